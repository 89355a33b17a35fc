import type Koa from 'koa';
import type { Config } from '../contract/config.ts';
import { routes, type RouteSpec } from '../contract/routes.ts';
import { KiwiError } from '../platform/errors.ts';
import { TokenBucket, type Now } from '../platform/token-bucket.ts';

type Limits = Config['api']['rate_limits'];
export type RouteClass = 'commands' | 'requests';

/** Routes that start real work (inference, synthesis, downloads, a remote call): the stricter class. */
const COMMAND_ROUTES: ReadonlyArray<keyof typeof routes> = ['chat', 'ttsTest', 'enrollSpeaker', 'addSpeakerSamples', 'haCommand', 'downloadModel', 'setupDownload', 'localLlms', 'setLanguage'];
const COMMANDS: RouteSpec[] = COMMAND_ROUTES.map((id) => routes[id]);
/** `/api/speakers/{speaker_id}/samples` → a RegExp matching concrete paths. */
const pathPattern = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}/?$`);
const commandPatterns = COMMANDS.map((spec) => ({ method: spec.method.toUpperCase(), pattern: pathPattern(spec.path) }));

export function routeClass(method: string, path: string): RouteClass {
  return commandPatterns.some((c) => c.method === method && c.pattern.test(path)) ? 'commands' : 'requests';
}

/** Clients remembered at most (the stalest go first); a full bucket is forgotten anyway. */
const MAX_CLIENTS = 10_000;

/**
 * Rate limits per client address (config api.rate_limits), as token buckets that hold a minute's
 * worth: wrong tokens and logins (strictest; past the limit every credential from that address
 * is refused until it refills), commands, and all other requests. Over the limit: 429
 * `rate_limited` with Retry-After in seconds. A script polling /api/status every second uses
 * 60 of 1200 requests a minute.
 */
export function rateLimitMiddleware(limits: () => Limits, clock: Now = { now: () => performance.now() }): Koa.Middleware {
  const buckets = new Map<string, TokenBucket>();
  const bucket = (key: string, perMinute: number) => {
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= MAX_CLIENTS) prune(buckets);
      b = new TokenBucket(clock, perMinute, perMinute / 60);
      buckets.set(key, b);
    }
    return b;
  };
  let seen: Limits | null = null;

  return async (ctx, next) => {
    const config = limits();
    if (config !== seen) {
      buckets.clear(); // new limits: start afresh rather than mix old capacities
      seen = config;
    }
    if (!config.enabled || !ctx.path.startsWith('/api/')) return next();
    const client = ctx.socket.remoteAddress ?? 'unknown';
    const failures = bucket(`auth:${client}`, config.auth_failures_per_minute);
    const presentsCredentials = Boolean(ctx.get('authorization')) || ctx.path === routes.login.path;
    if (presentsCredentials && !failures.has()) refuse(ctx, failures, 'Too many failed authentication attempts from this address');
    const kind = routeClass(ctx.method, ctx.path);
    const perMinute = kind === 'commands' ? config.commands_per_minute : config.requests_per_minute;
    const own = bucket(`${kind}:${client}`, perMinute);
    if (!own.take()) refuse(ctx, own, `Too many ${kind === 'commands' ? 'commands' : 'requests'} from this address (api.rate_limits.${kind}_per_minute is ${perMinute})`);
    try {
      await next();
    } catch (err) {
      if (err instanceof KiwiError && err.code === 'invalid_token') failures.take();
      throw err;
    }
  };
}

function refuse(ctx: Koa.Context, bucket: TokenBucket, why: string): never {
  const seconds = Math.max(1, Math.ceil(bucket.secondsUntil()));
  ctx.set('Retry-After', String(seconds));
  throw new KiwiError('rate_limited', `${why}; retry in ${seconds} s`, 429);
}

function prune(buckets: Map<string, TokenBucket>): void {
  for (const [key, b] of buckets) if (b.full) buckets.delete(key);
  // Still full of busy clients: forget the oldest half (Map keeps insertion order).
  if (buckets.size >= MAX_CLIENTS) [...buckets.keys()].slice(0, MAX_CLIENTS / 2).forEach((k) => buckets.delete(k));
}
