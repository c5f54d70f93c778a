import 'reflect-metadata';
import { AppError } from './app-error';
import { ErrorCode } from './error-codes';

const THROWS = Symbol('throws');

/**
 * Declares the error codes a use case can end with. The controller's documented error responses
 * are read from here (ApiErrorsOf), so they are written once, beside the code that throws them.
 * Under Jest (NODE_ENV=test) an AppError with an undeclared code becomes an internal error, so
 * a test that reaches an undocumented error fails instead of letting the documentation drift.
 */
export function Throws(...codes: ErrorCode[]): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    Reflect.defineMetadata(THROWS, codes, target, key);
    if (process.env.NODE_ENV !== 'test') return descriptor;
    const original = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    const where = `${target.constructor.name}.${String(key)}`;
    descriptor.value = async function (this: unknown, ...args: unknown[]) {
      try {
        return await original.apply(this, args);
      } catch (err) {
        if (err instanceof AppError && !codes.includes(err.code)) throw new Error(`${where} threw ${err.code}, which its @Throws does not declare`, { cause: err });
        throw err;
      }
    };
    return descriptor;
  };
}

/** The codes a use case declared with @Throws. */
export function declaredErrors(type: { prototype: object }, method: string): ErrorCode[] {
  const codes = Reflect.getMetadata(THROWS, type.prototype, method) as ErrorCode[] | undefined;
  if (!codes) throw new Error(`${(type as { name?: string }).name}.${method} declares no @Throws`);
  return codes;
}
