import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', module: 'writable' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Command-line programs and test tooling talk to the terminal.
    files: ['apps/api/src/cli/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Preloads for benchmark and test servers (node --require) are plain CommonJS.
    files: ['bench/**/*.cjs', 'libs/testing/src/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { URL: 'readonly', globalThis: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The demo web client runs in the browser, on the socket.io client its page loads.
    files: ['apps/api/src/demo/public/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['document', 'localStorage', 'location', 'history', 'fetch', 'crypto', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'io'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
