/** Layering rules (run by the test command): see README "Architecture". */
module.exports = {
  forbidden: [
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'edges-never-touch-persistence',
      comment: 'Controllers and gateways call services; only services use repositories.',
      severity: 'error',
      from: { path: '\\.(controller|gateway)\\.ts$' },
      to: { path: '^libs/dal/|^node_modules/mongoose' },
    },
    {
      name: 'no-mongoose-outside-dal',
      comment: 'Models and queries live in libs/dal.',
      severity: 'error',
      from: { path: '^(apps|libs/(common|auth))/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^node_modules/mongoose/' },
    },
    {
      name: 'production-code-never-imports-testing',
      severity: 'error',
      from: { path: '^(apps|libs/(common|auth|dal|embedded-db))/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(dist|node_modules|\\.tools)/' },
  },
};
