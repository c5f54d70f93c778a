export * from './auth-user';
export * from './auth.module';
export * from './decorators';
export * from './guards';
export * from './token.service';
export * from './token-subjects';
export * from './identity-provider-tokens';
