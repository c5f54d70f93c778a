export * from './config';
export * from './errors';
export * from './http';
export * from './logging/logging.module';
export { HttpExceptionFilter, sendError } from './errors/http-exception.filter';
export * from './logging/bootstrap-logger';
export * from './workers/periodic-task';
export * from './tracing/spans';
