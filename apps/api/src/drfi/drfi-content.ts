import type { Message, PushContent } from '@app/dal';
import type { MessageResponseDto } from '../messages/dto/message.response.dto';
import type { DrfiStatusStanza } from '../realtime/socket-events';
import { vaultField } from '../vault/vault-fields';
import type { UserDataField } from '../vault/vault.service';

/** What every party sees of DRFI: the fixed texts, field descriptions, stanzas, sync entries and pushes. */

export const DRFI_REQUEST_TEXT = '[DRFI Request]';
export const DRFI_RESPONSE_TEXT = '[DRFI Response]';

export const isDrfi = (message: Message) => message.type !== 'text';

/** The catalog entry of a path (label and type), as DRFI fields show it. */
export function describeField(path: string): { path: string; label: string; type: string } {
  const field = vaultField(path);
  return { path, label: field?.label ?? path, type: field?.type ?? 'text' };
}

/**
 * The DRFI fields of a DRFI request or response in the REST message object. `hint` is what the
 * viewer sees in `drfiFields` of a request (drfi-requests.service.ts decides: their own vault's
 * values for its receiver, no values for its sender).
 */
export function drfiView(message: Message, hint?: UserDataField[]): Partial<MessageResponseDto> {
  const data = message.drfi!;
  if (message.type === 'drfi') {
    return {
      status: data.status,
      jsonFieldsdrfi: JSON.stringify((data.paths ?? []).map(describeField)),
      ...(hint ? { drfiFields: hint } : {}),
      ...(data.responseMessageId ? { responseMessageId: data.responseMessageId } : {}),
    };
  }
  const fields = message.type === 'drfiresponseaccepted' ? (data.fields ?? []) : [];
  return {
    requestMessageId: data.requestMessageId,
    ...(message.type === 'drfiresponseaccepted' ? { drfiFields: fields, jsonFieldsdrfi: JSON.stringify(fields) } : {}),
  };
}

/** `drfiStatusUpdate` (socket) and the sync entry of a resolved request. */
export function drfiStatusStanza(request: Message): DrfiStatusStanza {
  return {
    messageid: request.id,
    uniqueid: request.uniqueId,
    status: request.drfi?.status ?? 'sent',
    responseMessageId: request.drfi?.responseMessageId ?? null,
    conversationId: request.conversationId,
  };
}

/** The sync entries among changed messages: the DRFI requests resolved since the cursor. */
export function drfiUpdatesIn(messages: Message[]): DrfiStatusStanza[] {
  return messages.filter((m) => m.type === 'drfi' && m.drfi?.status && m.drfi.status !== 'sent').map(drfiStatusStanza);
}

/** A DRFI push carries ids only and a generic notification: the app fetches the content (no personal data). */
export function drfiPushContent(message: Message): PushContent {
  const payload = { messageid: message.id, conversationId: message.conversationId, type: message.type, uniqueid: message.uniqueId };
  const title = message.type === 'drfi' ? 'Request for information' : 'Answer to your request for information';
  return { data: { type: 'drfi', payload: JSON.stringify(payload) }, title, body: 'Open the app to see it.', collapseId: message.conversationId };
}
