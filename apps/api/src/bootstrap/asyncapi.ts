import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The socket protocol (docs/protocol.md) as an AsyncAPI 3 document, built from the same DTO classes
 * as the OpenAPI document (their component schemas), so the two cannot disagree. From the
 * server's side: `receive` is an event a client emits (with the ack it gets as the reply), `send`
 * an event the server emits to a user's sockets.
 */

interface Event {
  /** The socket.io event name. */
  name: string;
  payload: string;
  summary: string;
}

const RECEIVED: (Event & { id: string; replies: string[] })[] = [
  { id: 'imRequest', name: 'im', payload: 'ImPayload', replies: ['SentAckDto', 'ErrorAckDto'], summary: 'Send a chat message; the ack is `sent` (a resend gets the original) or an error' },
  {
    id: 'statusUpdateRequest', name: 'messageStatusUpdate', payload: 'StatusUpdatePayload', replies: ['StatusUpdatedAckDto', 'ErrorAckDto'],
    summary: 'The receiver reports `delivered` or `seen`',
  },
  { id: 'editRequest', name: 'edit', payload: 'EditPayload', replies: ['EditedAckDto', 'ErrorAckDto'], summary: "The sender replaces a text message's text within the edit window; the ack is `edited` or an error" },
  { id: 'reactRequest', name: 'react', payload: 'ReactPayload', replies: ['ReactedAckDto', 'ErrorAckDto'], summary: 'A member sets or removes their one reaction to a message; the ack is `reacted` or an error' },
  { id: 'typingRequest', name: 'typing', payload: 'TypingPayload', replies: ['TypingAckDto', 'ErrorAckDto'], summary: 'The caller started or stopped typing to another user; never stored' },
  { id: 'syncRequest', name: 'sync', payload: 'SyncPayload', replies: ['SyncResponseDto', 'ErrorAckDto'], summary: 'Resend what was not acknowledged, and read the changes after the cursor' },
];

const SENT: (Event & { id: string })[] = [
  { id: 'im', name: 'im', payload: 'ImStanzaDto', summary: "A message to every socket of its recipient and of its sender's other devices" },
  { id: 'messageStatusUpdate', name: 'messageStatusUpdate', payload: 'StatusUpdateStanzaDto', summary: 'A delivery-status change, to both parties' },
  { id: 'messageDeleted', name: 'messageDeleted', payload: 'DeletedStanzaDto', summary: 'A message deleted by its sender, to both parties' },
  { id: 'messageEdited', name: 'messageEdited', payload: 'EditedStanzaDto', summary: "A message's text edited by its sender, to both parties" },
  { id: 'messageReaction', name: 'messageReaction', payload: 'ReactionStanzaDto', summary: "A member's reaction set or removed, with every reaction now, to both parties" },
  { id: 'typing', name: 'typing', payload: 'TypingStanzaDto', summary: "The other party started or stopped typing (a start without a stop ends by itself after expiresInMs)" },
  { id: 'drfiStatusUpdate', name: 'drfiStatusUpdate', payload: 'DrfiStatusStanzaDto', summary: 'A DRFI request accepted or denied, to both parties' },
];

export function buildAsyncApiDocument(openapi: OpenAPIObject): Record<string, unknown> {
  const messageRef = (id: string) => ({ $ref: `#/channels/chat/messages/${id}` });
  const message = (event: Event, direction: string) => ({
    name: event.name,
    title: `${event.name} (${direction})`,
    summary: event.summary,
    payload: { $ref: `#/components/schemas/${event.payload}` },
  });
  const replies = [...new Set(RECEIVED.flatMap((e) => e.replies))];
  const messages = {
    ...Object.fromEntries(RECEIVED.map((e) => [e.id, message(e, 'client to server')])),
    ...Object.fromEntries(SENT.map((e) => [e.id, message(e, 'server to client')])),
    ...Object.fromEntries(replies.map((schema) => [schema, { name: schema, title: `ack: ${schema}`, payload: { $ref: `#/components/schemas/${schema}` } }])),
  };
  const roots = [...RECEIVED.map((e) => e.payload), ...SENT.map((e) => e.payload), ...replies];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Chat backend socket protocol',
      version: '1',
      description:
        'socket.io 4 on the API port (path /socket.io/, long-polling then WebSocket, or WebSocket only). Authenticate in the ' +
        'handshake (`auth.token`, an `Authorization: Bearer` header, or `?token=`). Every client event takes an ack callback; ' +
        'every refusal is an error ack. Prose, ordering and sync rules: docs/protocol.md.',
    },
    defaultContentType: 'application/json',
    servers: { api: { host: 'localhost:3000', protocol: 'ws', pathname: '/socket.io/', description: 'socket.io on the API server' } },
    channels: { chat: { address: '/', title: "A user's socket", servers: [{ $ref: '#/servers/api' }], messages } },
    operations: {
      ...Object.fromEntries(
        RECEIVED.map((e) => [
          `receive${e.id[0].toUpperCase()}${e.id.slice(1)}`,
          { action: 'receive', channel: { $ref: '#/channels/chat' }, summary: e.summary, messages: [messageRef(e.id)], reply: { channel: { $ref: '#/channels/chat' }, messages: e.replies.map(messageRef) } },
        ]),
      ),
      ...Object.fromEntries(
        SENT.map((e) => [`send${e.id[0].toUpperCase()}${e.id.slice(1)}`, { action: 'send', channel: { $ref: '#/channels/chat' }, summary: e.summary, messages: [messageRef(e.id)] }]),
      ),
    },
    components: { schemas: jsonSchemas(openapi, roots) },
  };
}

/** The component schemas `roots` need (and what they reference), as JSON Schema (`nullable` as a type union). */
function jsonSchemas(openapi: OpenAPIObject, roots: string[]): Record<string, unknown> {
  const all = (openapi.components?.schemas ?? {}) as Record<string, unknown>;
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    if (!all[name]) throw new Error(`no component schema ${name}`);
    wanted.add(name);
    JSON.stringify(all[name], (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') visit(value.replace('#/components/schemas/', ''));
      return value;
    });
  };
  roots.forEach(visit);
  return Object.fromEntries([...wanted].sort().map((name) => [name, withoutNullable(all[name])]));
}

function withoutNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNullable);
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, k === 'example' || k === 'examples' ? v : withoutNullable(v)]));
  if (nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (nullable === true && Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  return out;
}
