export * from './status-rules';
export * from './message-status.service';
export * from './status.module';
