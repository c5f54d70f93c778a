import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { buildAsyncApiDocument } from '../apps/api/src/bootstrap/asyncapi';
import { startTestApp, TestApp } from './support/test-app';

const COMMITTED = join(__dirname, '..', 'docs', 'openapi.json');
const COMMITTED_ASYNCAPI = join(__dirname, '..', 'docs', 'asyncapi.json');
const PUBLIC_PATHS = new Set(['/', '/health', '/health/live', '/health/ready', '/Chat/Attachments/{id}/{variant}']);
/** Public operations on paths whose other operations need a token: tus's capabilities (OPTIONS). */
const PUBLIC_OPERATIONS = new Set(['OPTIONS /Chat/Attachments/Uploads', 'OPTIONS /Chat/Attachments/Uploads/{id}']);

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

describe('OpenAPI document and Swagger UI', () => {
  let app: TestApp;
  let document: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, unknown> } };

  beforeAll(async () => {
    app = await startTestApp();
    document = (await app.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => app.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );

  it('serves Swagger UI at /docs', async () => {
    const res = await app.http().get('/docs').expect(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('offers bearer-token authorization', () => {
    expect(document.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
  });

  it('documents every operation with a summary, a success response and its error responses', () => {
    for (const { path, method, operation } of operations()) {
      const label = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses);
      expect({ label, summary: Boolean(operation.summary) }).toEqual({ label, summary: true });
      expect({ label, success: statuses.some((s) => s.startsWith('2')) }).toEqual({ label, success: true });
      expect({ label, errors: statuses.some((s) => /^[45]/.test(s)) }).toEqual({ label, errors: true });
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        expect(operation.responses[status].content?.['application/json']?.schema).toEqual({
          $ref: '#/components/schemas/ErrorEnvelopeDto',
        });
      }
    }
  });

  it('marks every non-public operation as needing the bearer token, with its 401', () => {
    for (const { path, method, operation } of operations().filter((o) => !PUBLIC_PATHS.has(o.path) && !PUBLIC_OPERATIONS.has(`${o.method.toUpperCase()} ${o.path}`))) {
      const label = `${method.toUpperCase()} ${path}`;
      expect({ label, security: operation.security }).toEqual({ label, security: [{ bearer: [] }] });
      expect({ label, has401: '401' in operation.responses }).toEqual({ label, has401: true });
      if (path.startsWith('/Admin')) expect({ label, has403: '403' in operation.responses }).toEqual({ label, has403: true });
    }
  });

  it('matches the committed docs/openapi.json (run `scripts/run openapi` after an intended change)', () => {
    const current = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI) writeFileSync(COMMITTED, current);
    expect(current).toBe(readFileSync(COMMITTED, 'utf8'));
  });

  it('matches the committed docs/asyncapi.json, built from the same schemas (`scripts/run openapi` rewrites both)', () => {
    const current = `${JSON.stringify(buildAsyncApiDocument(document as never), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI) writeFileSync(COMMITTED_ASYNCAPI, current);
    expect(current).toBe(readFileSync(COMMITTED_ASYNCAPI, 'utf8'));
  });

  it('has an AsyncAPI 3 document the AsyncAPI parser reads without an error or a warning', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(readFileSync(COMMITTED_ASYNCAPI, 'utf8'));
    // Severity 0 is an error, 1 a warning (Spectral's scale, which the parser uses).
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    expect(parsed!.operations().all().map((o) => o.id()).sort()).toEqual([
      'receiveEditRequest', 'receiveImRequest', 'receiveReactRequest', 'receiveStatusUpdateRequest', 'receiveSyncRequest', 'receiveTypingRequest',
      'sendDrfiStatusUpdate', 'sendIm', 'sendMessageDeleted', 'sendMessageEdited', 'sendMessageReaction', 'sendMessageStatusUpdate', 'sendTyping',
    ]);
  });
});
