import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/** A response the API document does not describe: its status, or its body. */
export interface ContractBreach {
  operation: string;
  status: number;
  problem: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
}

const DOCUMENT_ID = 'openapi.json';
let shared: { document: OpenApiDocument; ajv: Ajv } | undefined;

/** docs/openapi.json, compiled once per test process (its schemas are OpenAPI 3.0: `nullable` is Ajv's own keyword). */
function compiled(): { document: OpenApiDocument; ajv: Ajv } {
  if (!shared) {
    const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'openapi.json'), 'utf8')) as OpenApiDocument;
    // Not strict: the document has keywords JSON Schema does not (example, paths, ...), which are not rules.
    const ajv = new Ajv({ strict: false, allErrors: true, discriminator: true });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: DOCUMENT_ID });
    shared = { document, ajv };
  }
  return shared;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/**
 * Checks every response a test app sends against docs/openapi.json: the operation (by route and
 * method) must document the status, and the body must validate against that response's schema.
 * The test app fails its close() on any breach, so the document cannot drift from the server.
 */
export class ContractChecker {
  readonly breaches: ContractBreach[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(fastify: FastifyInstance) {
    fastify.addHook('onSend', async (request, reply, payload) => {
      const route = request.routeOptions.url;
      // Only the API's operations: not Swagger UI, the demo page or their files, not a path no route has.
      if (!route || route === '*' || route.startsWith('/docs') || route.startsWith('/demo')) return payload;
      this.check(route, request.method, reply.statusCode, reply.getHeader('content-type'), payload);
      return payload;
    });
  }

  private check(route: string, method: string, status: number, contentType: unknown, payload: unknown): void {
    const { document, ajv } = compiled();
    const path = route.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[method.toLowerCase()];
    const name = `${method} ${path}`;
    if (!operation) {
      if (method !== 'HEAD' && method !== 'OPTIONS') this.breaches.push({ operation: name, status, problem: 'no such operation in the document' });
      return;
    }
    const response = operation.responses[String(status)] ?? operation.responses.default;
    if (!response) {
      this.breaches.push({ operation: `${operation.operationId} (${name})`, status, problem: `status ${status} is not documented` });
      return;
    }
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return;
    if (!String(contentType).startsWith('application/json')) {
      this.breaches.push({ operation: `${operation.operationId} (${name})`, status, problem: `sent ${String(contentType)}, documented application/json` });
      return;
    }
    const key = `${path} ${method} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const at = pointer('paths', path, method.toLowerCase(), 'responses', operation.responses[String(status)] ? String(status) : 'default', 'content', 'application/json', 'schema');
      validate = ajv.getSchema(`${DOCUMENT_ID}#/${at}`)!;
      this.validators.set(key, validate);
    }
    const body: unknown = JSON.parse(typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : 'null');
    if (!validate(body)) {
      const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
      this.breaches.push({ operation: `${operation.operationId} (${name})`, status, problem: `body does not match: ${problems.join('; ')}` });
    }
  }
}
