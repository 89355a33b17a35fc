import type { IncomingMessage } from 'node:http';
import type Koa from 'koa';
import { KiwiError } from '../platform/errors.ts';
import { isAllowedHost, isAllowedOrigin } from './guards.ts';

/** Throws 403 for a foreign Host (DNS rebinding) or a foreign Origin (CSRF, cross-site WebSocket). */
export function checkHostAndOrigin(req: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  if (!isAllowedHost(req.headers.host, allowedHosts)) {
    throw new KiwiError('forbidden_host', `Host '${req.headers.host ?? ''}' is not one of Kiwi's names; add it to api.allowed_hosts to allow it`, 403);
  }
  if (!isAllowedOrigin(req.headers.origin, allowedHosts)) {
    throw new KiwiError('forbidden_origin', `Requests from the page at '${req.headers.origin}' are not allowed`, 403);
  }
}

export function guardMiddleware(allowedHosts: () => ReadonlySet<string>): Koa.Middleware {
  return async (ctx, next) => {
    checkHostAndOrigin(ctx.req, allowedHosts());
    // Nothing needs to read Kiwi's answers cross-origin, so there is no CORS and no preflight.
    if (ctx.method === 'OPTIONS') throw new KiwiError('forbidden_origin', 'Cross-origin requests are not supported', 403);
    await next();
  };
}
