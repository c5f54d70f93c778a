export * from './error-codes';
export * from './app-error';
export * from './error-envelope';
export * from './to-app-error';
export * from './error-ack';
export * from './throws';
