export * from './database.module';
export * from './shared/ids';
export * from './users/user.entity';
export * from './users/user.repository';
export * from './network/network-link.repository';
export * from './conversations/conversation.entity';
export * from './conversations/conversation.repository';
export * from './database-health';
