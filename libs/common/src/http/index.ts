export * from './envelope';
export * from './api-responses.decorator';
export * from './validation';
export * from './request-id';
export * from './validators';
export * from './text';
export * from './api-schemas';
export * from './page-limit.decorator';
