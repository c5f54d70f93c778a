export * from './attachment-storage';
export * from './attachment-links';
export * from './storage.module';
