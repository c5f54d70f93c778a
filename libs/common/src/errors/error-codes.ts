/**
 * The one registry of error codes. Every error the API returns (HTTP envelope or socket error ack)
 * carries one of these codes; the HTTP status comes from here, never from the throw site.
 */
export const ERROR_DEFINITIONS = {
  VALIDATION_FAILED: { status: 400, message: 'Request validation failed' },
  INVALID_ID: { status: 400, message: 'Malformed id' },
  MALFORMED_REQUEST: { status: 400, message: 'Malformed request' },
  UNKNOWN_EVENT: { status: 400, message: 'No such socket event' },
  CANNOT_LINK_SELF: { status: 400, message: 'A user cannot be linked to themselves' },
  CANNOT_ACT_ON_SELF: { status: 400, message: 'You cannot do this to yourself' },
  RECEIVER_MISMATCH: { status: 400, message: 'ToReceiverId is not the other member of this conversation' },
  INVALID_CURSOR: { status: 400, message: 'Malformed sync cursor' },
  NOT_A_DRFI_REQUEST: { status: 400, message: 'This message is not a DRFI request' },
  UNAUTHENTICATED: { status: 401, message: 'Missing or invalid access token' },
  USER_NOT_FOUND: { status: 401, message: 'The user this access token names does not exist' },
  REAUTHENTICATION_REQUIRED: { status: 401, message: 'Sign in again first: this takes a sign-in from the last few minutes' },
  ACCOUNT_SUSPENDED: { status: 403, message: 'This account is suspended' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  NOT_MESSAGE_RECEIVER: { status: 403, message: 'Only the receiver of a message can do this' },
  NOT_MESSAGE_SENDER: { status: 403, message: 'Only the sender of a message can do this' },
  RECIPIENT_NOT_IN_NETWORK: { status: 403, message: 'The recipient is no longer in your network' },
  FROM_NOT_CALLER: { status: 403, message: '`from` is not the authenticated user' },
  NOT_DRFI_RECEIVER: { status: 403, message: 'Only the receiver of a DRFI request can answer it' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  MEMBER_NOT_FOUND: { status: 404, message: 'No such user' },
  NOT_A_NETWORK_MEMBER: { status: 404, message: 'Not a member of your network' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'Conversation not found' },
  MESSAGE_NOT_FOUND: { status: 404, message: 'Message not found' },
  INVITATION_NOT_FOUND: { status: 404, message: 'Invitation not found' },
  NOT_BLOCKED: { status: 404, message: 'You have not blocked this user' },
  REPORT_NOT_FOUND: { status: 404, message: 'Report not found' },
  ATTACHMENT_NOT_FOUND: { status: 404, message: 'Attachment not found' },
  EXPORT_NOT_FOUND: { status: 404, message: 'Data export not found' },
  ERASURE_NOT_FOUND: { status: 404, message: 'No erasure is scheduled for this user' },
  LINK_EXPIRED: { status: 403, message: 'This file link has expired: ask the API for the attachment again' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this path' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  CONFLICT: { status: 409, message: 'Conflicts with the current state' },
  USER_BLOCKED: { status: 409, message: 'You blocked this user: unblock them first' },
  REPORT_CLOSED: { status: 409, message: 'This report is already closed' },
  PHONE_TAKEN: { status: 409, message: 'A user with this phone number already exists' },
  DRFI_ALREADY_RESOLVED: { status: 409, message: 'This DRFI request has already been answered' },
  ATTACHMENT_NOT_READY: { status: 409, message: 'This attachment is not fully uploaded yet' },
  MESSAGE_DELETED: { status: 409, message: 'This message was deleted' },
  MESSAGE_NOT_EDITABLE: { status: 409, message: "Only a text message's text can be edited (not a DRFI request or answer)" },
  EDIT_WINDOW_CLOSED: { status: 409, message: 'Too late to edit this message (MESSAGE_EDIT_WINDOW_SECONDS after it was sent)' },
  EXPORT_NOT_READY: { status: 409, message: 'This data export has no archive to download (see its state)' },
  ERASURE_STARTED: { status: 409, message: 'This erasure has already started and cannot be cancelled' },
  ATTACHMENT_IN_USE: { status: 409, message: 'This attachment belongs to another message' },
  UPLOAD_OFFSET_MISMATCH: { status: 409, message: 'Upload-Offset is not where the upload is: HEAD it and resume from its Upload-Offset' },
  UNIQUEID_REUSED: { status: 409, message: 'This uniqueid was already used for a message in another conversation' },
  TUS_VERSION_UNSUPPORTED: { status: 412, message: 'This server speaks tus 1.0.0: send Tus-Resumable: 1.0.0' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  ATTACHMENT_TOO_LARGE: { status: 413, message: 'The file is larger than ATTACHMENT_MAX_BYTES' },
  URI_TOO_LONG: { status: 414, message: 'Path or path parameter too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported media type: send application/json' },
  ATTACHMENT_TYPE_NOT_ALLOWED: { status: 415, message: 'Files of this type are not accepted' },
  ATTACHMENT_TYPE_MISMATCH: { status: 415, message: "The file's bytes are not the type it was declared as" },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request headers too large' },
  INTERNAL: { status: 500, message: 'Internal error' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'Database unavailable' },
  SERVER_SHUTTING_DOWN: { status: 503, message: 'This server is shutting down: reconnect and send again' },
  NOT_READY: { status: 503, message: 'Not ready to serve' },
  IDENTITY_PROVIDER_UNAVAILABLE: { status: 503, message: "The identity provider's keys could not be fetched" },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_DEFINITIONS;

/** One invalid input field and what is wrong with it (VALIDATION_FAILED details). */
export interface FieldError {
  field: string;
  errors: string[];
}

/** The codes whose errors carry details, and their type; every other code carries none. */
export interface ErrorDetailsByCode {
  VALIDATION_FAILED: FieldError[];
}

export type ErrorDetails<C extends ErrorCode> = C extends keyof ErrorDetailsByCode ? ErrorDetailsByCode[C] : never;
export type AnyErrorDetails = ErrorDetailsByCode[keyof ErrorDetailsByCode];

export function statusOf(code: ErrorCode): number {
  return ERROR_DEFINITIONS[code].status;
}
