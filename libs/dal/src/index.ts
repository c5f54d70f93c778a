// The data layer's shared surface: the connection module, ids and the entity types every domain
// may read. Repositories are reachable only through each domain's own entry point
// (`@app/dal/users`, `@app/dal/network`, `@app/dal/messages`, `@app/dal/message-status`,
// `@app/dal/vault`, `@app/dal/drfi`, `@app/dal/push`, `@app/dal/attachments`, `@app/dal/moderation`), and dependency-cruiser lets only the
// owning module import each one.
export * from './database.module';
export * from './database-health';
export * from './shared/ids';
export * from './users/user.entity';
export * from './conversations/conversation.entity';
export { ZERO_COUNTS } from './conversations/conversation.schema';
export * from './messages/message.entity';
export { DELIVERY_STATUSES, MESSAGE_TYPES } from './messages/message.schema';
export type { VaultEntry } from './vault/vault.schema';
export * from './drfi/drfi-audit.entity';
export { DRFI_AUDIT_EVENTS } from './drfi/drfi-audit.schema';
export type { DrfiAuditEvent } from './drfi/drfi-audit.schema';
export * from './push/device-token.entity';
export { PUSH_PLATFORMS } from './push/device-token.schema';
export type { PushPlatform } from './push/device-token.schema';
export * from './push/push-outbox.entity';
export * from './attachments/attachment.entity';
export { ATTACHMENT_KINDS } from './attachments/attachment.schema';
