import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import type { Socket } from 'socket.io-client';
import { linkUsers } from '@app/testing';
import { session, Session } from './support/session';
import { connect, emitAck } from './support/socket-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Query-operator and prototype injection on every input: each parameter and top-level body field
 * of every operation in docs/openapi.json, and each field of every socket event. The answer must
 * be 400 (or an error ack) naming that input, and no database query may carry the injected value.
 */

const OPERATORS: Record<string, unknown> = {
  '$ne null': { $ne: null },
  '$gt ""': { $gt: '' },
  $where: { $where: 'this.owner == this.owner' },
  '$regex': { $regex: '.*' },
};
/** What must never show up in a database query, whatever the route did with the input. */
const MARKERS = ['"$ne":null', '"$gt":""', '$where', 'this.owner == this.owner', '"$regex":".*"', '__proto__', 'polluted'];

interface Operation {
  method: string;
  path: string;
  params: { in: 'path' | 'query'; name: string }[];
  bodyFields: string[];
}

function operations(): Operation[] {
  const doc = JSON.parse(readFileSync(join(__dirname, '../docs/openapi.json'), 'utf8'));
  const schemaOf = (ref?: string) => (ref ? doc.components.schemas[ref.split('/').pop()!] : undefined);
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) => // eslint-disable-line @typescript-eslint/no-explicit-any
    Object.entries(ops).map(([method, op]) => ({
      method,
      path,
      params: (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path' || p.in === 'query'),
      bodyFields: Object.keys(schemaOf(op.requestBody?.content?.['application/json']?.schema?.$ref)?.properties ?? {}),
    })),
  );
}

describe('Injection attempts on every REST input and socket field', () => {
  let app: TestApp;
  let admin: Session;
  let other: Session;
  const queries: string[] = [];
  const record = (collection: string, method: string, ...args: unknown[]) => queries.push(`${collection}.${method} ${JSON.stringify(args)}`);

  beforeAll(async () => {
    app = await startTestApp();
    admin = await session(app, { admin: true });
    other = await session(app);
    await linkUsers(app, admin.user, other.user);
    mongoose.set('debug', record);
    // The recorder sees the app's queries (else the "nothing reached the database" checks prove nothing).
    await app.http().get('/Chat/Conversations/List').set(admin.auth).expect(200);
    expect(queries.some((q) => q.startsWith('conversations.find'))).toBe(true);
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    await app.close();
  });

  const noMarkerReachedTheDatabase = () => {
    const leaked = queries.filter((q) => MARKERS.some((marker) => q.includes(marker)));
    expect(leaked).toEqual([]);
  };

  const fill = (path: string, name?: string, value?: string) =>
    path.replace(/\{(\w+)\}/g, (_, param: string) => encodeURIComponent(param === name ? value! : 'aaaaaaaaaaaaaaaaaaaaaaaa'));

  it('refuses an operator object in every top-level body field, naming the field', async () => {
    const cases = operations().flatMap((op) => op.bodyFields.flatMap((field) => Object.entries(OPERATORS).map(([label, value]) => ({ op, field, label, value }))));
    expect(cases.length).toBeGreaterThan(50);
    for (const { op, field, label, value } of cases) {
      const res = await app.http()[op.method as 'post'](fill(op.path)).set(admin.auth).send({ [field]: value });
      const where = `${op.method.toUpperCase()} ${op.path} ${field} ${label}`;
      expect({ where, status: res.status }).toEqual({ where, status: 400 });
      expect({ where, field: res.body.error.details?.some((d: { field: string }) => d.field === field || d.field.startsWith(`${field}.`)) }).toEqual({ where, field: true });
    }
    noMarkerReachedTheDatabase();
  });

  it('refuses operators in every query and path parameter, as JSON text and as bracket syntax', async () => {
    const cases = operations().flatMap((op) => op.params.map((param) => ({ op, param })));
    expect(cases.length).toBeGreaterThan(15);
    for (const { op, param } of cases) {
      for (const text of ['{"$ne":null}', '{"$gt":""}', '{"$where":"this.owner == this.owner"}']) {
        const url =
          param.in === 'path' ? fill(op.path, param.name, text) : `${fill(op.path)}?${param.name}=${encodeURIComponent(text)}`;
        const res = await app.http()[op.method as 'get'](url).set(admin.auth);
        const where = `${op.method.toUpperCase()} ${url}`;
        expect({ where, status: res.status }).toEqual({ where, status: 400 });
      }
      if (param.in === 'query') {
        const url = `${fill(op.path)}?${param.name}[$ne]=x`;
        const res = await app.http()[op.method as 'get'](url).set(admin.auth);
        expect({ url, status: res.status }).toEqual({ url, status: 400 });
      }
    }
    noMarkerReachedTheDatabase();
  });

  it('refuses __proto__ and constructor keys in a body without polluting anything', async () => {
    for (const body of ['{"__proto__": {"polluted": true}, "text": "x"}', '{"constructor": {"prototype": {"polluted": true}}}']) {
      const res = await app.http().post('/Chat/Message/Add').set(admin.auth).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    noMarkerReachedTheDatabase();
  });

  describe('over the socket', () => {
    let socket: Socket;
    beforeAll(async () => {
      socket = await connect(app, admin.token);
    });
    afterAll(() => socket.close());

    const events: Record<string, Record<string, unknown>> = {
      im: { to: 'aaaaaaaaaaaaaaaaaaaaaaaa', from: 'aaaaaaaaaaaaaaaaaaaaaaaa', msg: 'hi', uniqueid: 'u-1', file_type: 'text' },
      messageStatusUpdate: { status: 'delivered', uniqueid: 'u-1', sender: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
      sync: { cursor: 'x', messages: [], statuses: [] },
    };

    it('answers an operator object in every field of every event with a validation error ack', async () => {
      for (const [event, base] of Object.entries(events)) {
        for (const field of Object.keys(base)) {
          for (const [label, value] of Object.entries(OPERATORS)) {
            const ack = await emitAck<{ status: string; error?: { code: string; details?: { field: string }[] } }>(socket, event, { ...base, [field]: value });
            const where = `${event} ${field} ${label}`;
            expect({ where, status: ack.status, code: ack.error?.code }).toEqual({ where, status: 'error', code: 'VALIDATION_FAILED' });
            expect({ where, named: ack.error?.details?.some((d) => d.field === field || d.field.startsWith(`${field}.`)) }).toEqual({ where, named: true });
          }
        }
      }
      // Nested: operators inside the messages and statuses a sync carries.
      for (const nested of [{ messages: [{ ...events.im, to: { $ne: null } }] }, { statuses: [{ ...events.messageStatusUpdate, sender: { $gt: '' } }] }]) {
        const ack = await emitAck<{ status: string; error?: { code: string } }>(socket, 'sync', nested);
        expect(ack).toMatchObject({ status: 'error', error: { code: 'VALIDATION_FAILED' } });
      }
      noMarkerReachedTheDatabase();
    });
  });
});
