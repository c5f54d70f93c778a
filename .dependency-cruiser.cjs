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
      name: 'dal-only-through-entry-points',
      comment: 'Apps reach libs/dal through @app/dal (types, ids, the connection) or a domain entry point (@app/dal/<domain>).',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^libs/dal/src/', pathNot: '^libs/dal/src/(index|[^/]+/index)\\.ts$' },
    },
    {
      name: 'each-collection-written-by-its-module',
      comment:
        "A domain's collections are reachable (so writable) only from its own module: @app/dal/<domain> from apps/api/src/<domain>/. " +
        'Messages and conversations belong to the chat domain: messages/ (the store and dispatcher) and chat/ (its use cases).',
      severity: 'error',
      from: { path: '^apps/api/src/([^/]+)/' },
      to: { path: '^libs/dal/src/(users|network|messages|vault|drfi|push|attachments|moderation|privacy)/index\\.ts$', pathNot: ['^libs/dal/src/$1/', '^libs/dal/src/messages/index\\.ts$'] },
    },
    {
      name: 'messages-collection-owned-by-chat-domain',
      severity: 'error',
      from: { path: '^apps/', pathNot: '^apps/api/src/(messages|chat)/' },
      to: { path: '^libs/dal/src/messages/index\\.ts$' },
    },
    {
      name: 'only-status-writes-status',
      comment: "A message's delivery and DRFI status change only through libs/status (the state machines).",
      severity: 'error',
      from: { pathNot: '^libs/(status|dal)/' },
      to: { path: '^libs/dal/src/(message-status/|messages/message-status\\.repository\\.ts$)' },
    },
    {
      name: 'push-knows-no-domain',
      comment: 'Producers hand push its content; push imports no chat, messages or DRFI code.',
      severity: 'error',
      from: { path: '^apps/api/src/push/' },
      to: { path: '^apps/api/src/(chat|messages|drfi)/' },
    },
    {
      name: 'drfi-does-not-import-chat',
      comment: 'Chat hands DRFI requests to drfi/; DRFI stores and publishes through messages/.',
      severity: 'error',
      from: { path: '^apps/api/src/drfi/' },
      to: { path: '^apps/api/src/chat/' },
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
