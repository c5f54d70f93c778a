import { socketBreaches } from '@app/testing';

// Every e2e file: socket payloads docs/asyncapi.json does not describe fail it (libs/testing/src/socket-contract.ts).
afterAll(() => {
  const breaches = socketBreaches.splice(0);
  if (breaches.length > 0) throw new Error(`socket payloads docs/asyncapi.json does not describe:\n${[...new Set(breaches)].join('\n')}`);
});
