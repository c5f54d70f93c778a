import type { AttachmentDto } from '../attachments/dto/attachment.dto';
import type { ErrorAck } from '@app/common';
import type { Message } from '@app/dal';

/**
 * The socket.io protocol (docs/protocol.md), event by event: what clients send with the ack they
 * get, and what the server sends. The notifier, the gateway and the tests' socket client all use
 * these maps, so a payload cannot drift from its documentation unnoticed.
 */

// ---- server to client ----

/** `im` as every socket of the recipient (and sync) receives it: the seed's stanza plus our ids. */
export interface ImStanza {
  to: string;
  from: string;
  fromFullName: string;
  fromPhone: string;
  msg: string;
  uniqueid: string;
  /** The delivery status (in stanzas, `status` is the delivery status; CONTRACT section 4). */
  status: Message['deliveryStatus'];
  type: Message['type'];
  file_type: string | null;
  /** A photo, video, voice note or file, with links signed when the stanza was sent (sync signs them again). */
  attachment?: AttachmentDto;
  messageid: string;
  conversationId: string;
  created: string;
  isDeleted: boolean;
  /** A tombstone's: when it was deleted (sync renders a message deleted since as its tombstone). */
  deletedAt?: string;
  /** An edited message's: `msg` is its current text. */
  edited?: boolean;
  editedAt?: string;
  /** The members' reactions, when there are any (one emoji each, oldest first). */
  reactions?: ReactionView[];
  /** A reply's quoted message, as it is now. */
  replyTo?: ReplySnippet;
}

/** What a reply shows of the message it quotes, as that message is now. */
export interface ReplySnippet {
  messageid: string;
  from: string;
  /** The start of its text (at most 100 characters, cut on a whole character); empty once deleted. */
  text: string;
  /** Its attachment's kind (`image`, `video`, `audio`, `file`), if it has one and is not deleted. */
  attachmentKind?: string;
  isDeleted: boolean;
}

/** One member's reaction to a message. */
export interface ReactionView {
  userId: string;
  emoji: string;
}

/** `messageReaction` to both parties' sockets: a member set (`emoji`) or removed (null) their reaction. */
export interface ReactionStanza {
  uniqueid: string;
  messageid: string;
  conversationId: string;
  from: string;
  to: string;
  /** Who reacted, and with what now (null: they took their reaction back). */
  userId: string;
  emoji: string | null;
  /** Every reaction to the message now. */
  reactions: ReactionView[];
}

/**
 * `messageStatusUpdate` to both parties' sockets: the receiver reported delivered or seen. `from`
 * is the message's sender, `to` its receiver (a reader's other devices learn of their own read).
 */
export interface StatusUpdateStanza {
  status: Message['deliveryStatus'];
  uniqueid: string;
  messageid: string;
  conversationId: string;
  from: string;
  to: string;
}

/** `messageDeleted` to both parties' sockets. */
export interface DeletedStanza {
  uniqueid: string;
  messageid: string;
  conversationId: string;
  from: string;
  to: string;
  deletedAt: string;
}

/** `messageEdited` to both parties' sockets: its sender replaced a message's text. */
export interface EditedStanza {
  uniqueid: string;
  messageid: string;
  conversationId: string;
  from: string;
  to: string;
  msg: string;
  editedAt: string;
}

/** `drfiStatusUpdate` to both parties' sockets: a DRFI request was accepted or denied. */
export interface DrfiStatusStanza {
  messageid: string;
  uniqueid: string;
  status: 'sent' | 'accepted' | 'denied';
  responseMessageId: string | null;
  conversationId: string;
}

/** `typing` to the other party's sockets only: the typist started or stopped (never stored). */
export interface TypingStanza {
  from: string;
  conversationId: string;
  typing: boolean;
  /** With a start: how long it holds without another start (then a stop comes by itself). */
  expiresInMs?: number;
}

export interface ServerToClientEvents {
  im: (stanza: ImStanza) => void;
  messageStatusUpdate: (update: StatusUpdateStanza) => void;
  messageDeleted: (deleted: DeletedStanza) => void;
  messageEdited: (edited: EditedStanza) => void;
  messageReaction: (reaction: ReactionStanza) => void;
  typing: (typing: TypingStanza) => void;
  drfiStatusUpdate: (update: DrfiStatusStanza) => void;
}

export type ServerEvent = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

// ---- client to server ----

/** `im`, client to server: the seed's chat message stanza. */
export interface ImRequest {
  to: string;
  from: string;
  fromFullName?: string;
  msg: string;
  uniqueid: string;
  status?: string;
  type?: string;
  file_type?: string;
  attachmentId?: string;
  /** An earlier message of the same conversation this one quotes. */
  replyTo?: string;
}

/** `messageStatusUpdate`, client (the receiver) to server. */
export interface StatusUpdateRequest {
  status: 'delivered' | 'seen';
  uniqueid: string;
  sender: string;
}

/** `edit` (socket) and POST /Chat/Message/Edit: the sender replaces a text message's text. */
export interface EditRequest {
  messageid: string;
  text: string;
}

/** `react` (socket) and POST /Chat/Message/React: a member sets or removes their one reaction. */
export interface ReactRequest {
  messageid: string;
  emoji: string | null;
}

/** `typing`, client to server: the caller started or stopped typing to `to` (a user id). */
export interface TypingRequest {
  to: string;
  typing: boolean;
}

/** `sync` (socket) and POST /Chat/Sync. */
export interface SyncRequest {
  cursor?: string;
  messages?: ImRequest[];
  statuses?: StatusUpdateRequest[];
}

export interface SentAck {
  status: 'sent';
  uniqueid: string;
  messageid: string;
  conversationId: string;
  created: string;
}

export interface StatusUpdatedAck {
  status: 'statusUpdated';
  uniqueid: string;
  messageid: string;
  /** The message's delivery status now (a no-op leaves it where it was). */
  deliveryStatus: string;
}

export interface EditedAck {
  status: 'edited';
  uniqueid: string;
  messageid: string;
  conversationId: string;
  text: string;
  editedAt: string;
}

export interface ReactedAck {
  status: 'reacted';
  uniqueid: string;
  messageid: string;
  conversationId: string;
  reactions: ReactionView[];
}

export interface TypingAck {
  status: 'typing';
}

export interface SyncResult {
  status: 'synced';
  /** Pass back on the next sync. */
  cursor: string;
  /** More changes wait: sync again with the new cursor right away. */
  hasMore: boolean;
  /** The acks of the messages and receipts the client sent with this sync, in order. */
  acks: { messages: (SentAck | ErrorAck)[]; statuses: (StatusUpdatedAck | ErrorAck)[] };
  /** Messages the caller received since the cursor, as `im` stanzas as they are now (a deleted one as its tombstone). */
  messages: ImStanza[];
  /** Messages the caller sent (from any of their devices) since the cursor, as `im` stanzas. */
  sent: ImStanza[];
  /** Delivery-status changes of messages the caller sent or received (their own reads included). */
  statusUpdates: StatusUpdateStanza[];
  /** Messages of either party deleted since the cursor. */
  deletes: DeletedStanza[];
  /** Messages of either party edited since the cursor (each at its current text; an edit superseded by a later one, or of a message deleted since, is left out). */
  edits: EditedStanza[];
  /** Reactions set or removed since the cursor, each message once at its reactions now. */
  reactions: ReactionStanza[];
  /** DRFI requests of either party answered since the cursor. */
  drfiUpdates: DrfiStatusStanza[];
}

/** Each client event: its payload and the ack it gets (every refusal is an ErrorAck). */
export interface ClientToServerEvents {
  im: (payload: ImRequest, ack: (answer: SentAck | ErrorAck) => void) => void;
  messageStatusUpdate: (payload: StatusUpdateRequest, ack: (answer: StatusUpdatedAck | ErrorAck) => void) => void;
  sync: (payload: SyncRequest, ack: (answer: SyncResult | ErrorAck) => void) => void;
  edit: (payload: EditRequest, ack: (answer: EditedAck | ErrorAck) => void) => void;
  react: (payload: ReactRequest, ack: (answer: ReactedAck | ErrorAck) => void) => void;
  typing: (payload: TypingRequest, ack: (answer: TypingAck | ErrorAck) => void) => void;
}

export type ClientEvent = keyof ClientToServerEvents;
/** The events a client may send (ChatGateway handles each; any other is refused with UNKNOWN_EVENT). */
export const CLIENT_EVENTS: readonly ClientEvent[] = ['im', 'messageStatusUpdate', 'sync', 'edit', 'react', 'typing'];
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
export type ClientAck<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
