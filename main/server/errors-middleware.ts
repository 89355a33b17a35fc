import type Koa from 'koa';
import type { ErrorBody } from '../contract/api.ts';
import { KiwiError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { storageError } from '../store/sqlite-transaction.ts';

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Every failure leaves as `{error: {code, message}}` with its status; unexpected ones are logged, never echoed. */
export function errorMiddleware(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof KiwiError) {
        ctx.status = err.status;
        ctx.body = errorBody(err.code, err.message);
        if (err.status >= 500 && err.status !== 503) logger.error({ err, path: ctx.path }, 'request failed');
        return;
      }
      const storage = storageError(err); // a full disk or a read-only data folder: the user can act on it
      logger.error({ err, method: ctx.method, path: ctx.path }, storage ? storage.message : 'unexpected error');
      if (storage) {
        ctx.status = storage.status;
        ctx.body = errorBody(storage.code, storage.message);
        return;
      }
      ctx.status = 500;
      ctx.body = errorBody('internal_error', 'Kiwi hit an unexpected error; the details are in its log');
    }
  };
}
