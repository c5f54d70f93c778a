import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Checks socket payloads the e2e suite receives against docs/asyncapi.json: every server event
 * against its message's schema, every ack against its operation's replies; and a client payload
 * the document refuses must be refused by the server (an error ack). Breaches are collected here
 * and fail the test file (test/support/contract-setup.ts).
 */
export const socketBreaches: string[] = [];

interface AsyncApiDocument {
  channels: { chat: { messages: Record<string, { name: string; payload: { $ref: string } }> } };
  operations: Record<string, { action: 'send' | 'receive'; messages: { $ref: string }[]; reply?: { messages: { $ref: string }[] } }>;
}

const DOCUMENT_ID = 'asyncapi.json';
let compiled: { sent: Map<string, ValidateFunction>; received: Map<string, { payload: ValidateFunction; reply: ValidateFunction }> } | undefined;

function validators() {
  if (compiled) return compiled;
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8')) as AsyncApiDocument;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const messages = document.channels.chat.messages;
  const message = (ref: string) => messages[ref.replace('#/channels/chat/messages/', '')];
  const schema = (ref: string) => ajv.getSchema(`${DOCUMENT_ID}${message(ref).payload.$ref}`)!;
  compiled = { sent: new Map(), received: new Map() };
  for (const operation of Object.values(document.operations)) {
    const [ref] = operation.messages;
    if (operation.action === 'send') compiled.sent.set(message(ref.$ref).name, schema(ref.$ref));
    else {
      const reply = ajv.compile({ oneOf: operation.reply!.messages.map((m) => ({ $ref: `${DOCUMENT_ID}${message(m.$ref).payload.$ref}` })) });
      compiled.received.set(message(ref.$ref).name, { payload: schema(ref.$ref), reply });
    }
  }
  return compiled;
}

const problems = (validate: ValidateFunction) => (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '(payload)'} ${e.message}`).join('; ');

/** A server event a test socket received. */
export function checkServerEvent(event: string, payload: unknown): void {
  const validate = validators().sent.get(event);
  if (validate && !validate(payload)) socketBreaches.push(`server event ${event}: ${problems(validate)}`);
}

/** The ack a test socket got for a client event. */
export function checkAck(event: string, payload: unknown, ack: unknown): void {
  const operation = validators().received.get(event);
  if (!operation) return;
  if (!operation.reply(ack)) socketBreaches.push(`ack of ${event}: ${problems(operation.reply)}`);
  const refused = (ack as { status?: unknown } | null)?.status === 'error';
  if (!operation.payload(payload) && !refused) socketBreaches.push(`${event}: accepted a payload the document refuses (${problems(operation.payload)})`);
}
