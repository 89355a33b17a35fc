import Router from '@koa/router';
import type Koa from 'koa';
import { routes, type RouteSpec } from '../contract/routes.ts';
import { KiwiError } from '../platform/errors.ts';
import { parseOrThrow } from '../platform/validate.ts';
import { OPEN_GRANT, SESSION_COOKIE, bearerToken, cookieValue, satisfies, type AuthService, type Grant } from './auth.ts';
import type { HandlerInput, Handlers } from './handler-types.ts';
import { readJsonBody } from './json-body.ts';

/** `/api/speakers/{speaker_id}` → `/api/speakers/:speaker_id` */
export const koaPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Who is calling: a Bearer token, else a session cookie, else (only when auth is not required)
 * everyone on loopback who got past the Host/Origin checks. A wrong token is always an error.
 */
export function resolveGrant(auth: AuthService, headers: { authorization?: string; cookie?: string }): Grant | null {
  const token = bearerToken(headers.authorization);
  if (token !== undefined) {
    const grant = auth.check(token);
    if (!grant) throw new KiwiError('invalid_token', 'The bearer token is not valid', 401);
    return grant;
  }
  if (headers.authorization) throw new KiwiError('invalid_token', 'Use Authorization: Bearer <token>', 401);
  return auth.session(cookieValue(headers.cookie, SESSION_COOKIE)) ?? (auth.required ? null : OPEN_GRANT);
}

export function authorize(spec: Pick<RouteSpec, 'scope' | 'public'>, grant: Grant | null): void {
  if (spec.public) return;
  if (!grant) throw new KiwiError('unauthorized', 'Authentication required: send Authorization: Bearer <token>', 401);
  if (!satisfies(grant.scopes, spec.scope)) {
    throw new KiwiError('insufficient_scope', `This needs the '${spec.scope}' scope; the token '${grant.name}' has ${grant.scopes.join(', ')}`, 403);
  }
}

/** Register every route of the contract: auth, body, validation, then the handler. */
export function createApiRouter(handlers: Handlers, auth: AuthService): Router {
  // Paths as the contract writes them: '/API/chat' is no route (and no way around rate-limit.ts).
  const router = new Router({ sensitive: true });
  for (const [id, spec] of Object.entries(routes) as Array<[keyof Handlers, RouteSpec]>) {
    const handler = handlers[id] as (input: HandlerInput<RouteSpec>) => unknown;
    router[spec.method](koaPath(spec.path), async (ctx: Koa.Context) => {
      const grant = resolveGrant(auth, { authorization: ctx.get('authorization') || undefined, cookie: ctx.get('cookie') });
      authorize(spec, grant);
      const raw = await readJsonBody(ctx.req, spec.bodyLimit);
      const params = spec.params ? parseOrThrow(spec.params, ctx.params, 'path') : undefined;
      const query = spec.query ? parseOrThrow(spec.query, singleValued(ctx.query), 'query') : undefined;
      // No body counts as {}; an explicit `null` is a body, and not an object (400).
      const body = spec.body ? parseOrThrow(spec.body, raw === undefined ? {} : raw, 'request body') : undefined;
      const answer = await handler({ params, query, body, grant, ctx } as HandlerInput<RouteSpec>);
      if (spec.status) ctx.status = spec.status;
      ctx.body = answer;
    });
  }
  return router;
}

/** Koa gives a repeated parameter as an array; every query parameter of the API takes one value. */
function singleValued(query: Koa.Context['query']): Record<string, string | undefined> {
  const repeated = Object.keys(query).find((key) => Array.isArray(query[key]));
  if (repeated !== undefined) throw new KiwiError('invalid_request', `Invalid query: ${repeated} is given more than once`, 400);
  return query as Record<string, string | undefined>;
}
