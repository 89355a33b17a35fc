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
 * The path as the limits see it: routes match case-sensitively, but a client must not leave the
 * limits by writing `/API/chat` or `//api/chat`; those get the API's 404 inside them.
 */
export const apiPath = (path: string) => path.replace(/\/{2,}/g, '/').toLowerCase();

/** Over a limit: 429 `rate_limited`, with the seconds to wait for Retry-After. */
export class RateLimited extends KiwiError {
  constructor(
    why: string,
    readonly retryAfterS: number,
  ) {
    super('rate_limited', `${why}; retry in ${retryAfterS} s`, 429);
  }
}

/** What a caller asks for: its class of route, and whether it presents a credential (a token, a login). */
export interface Admission {
  client: string;
  kind: RouteClass;
  presentsCredentials: boolean;
}

/**
 * Rate limits per client address (config api.rate_limits), as token buckets that hold a minute's
 * worth: wrong tokens and logins (strictest; past the limit every credential from that address
 * is refused until it refills), commands, and all other requests. Shared by HTTP requests and
 * WebSocket upgrades, so neither is a way around the other's count.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, TokenBucket>();
  #seen: string | null = null;

  constructor(
    private readonly limits: () => Limits,
    private readonly clock: Now = { now: () => performance.now() },
  ) {}

  get enabled(): boolean {
    return this.#current().enabled;
  }

  /** Takes one request from the caller's budget, or throws RateLimited. */
  admit({ client, kind, presentsCredentials }: Admission): void {
    const config = this.#current();
    if (!config.enabled) return;
    const failures = this.#bucket(`auth:${client}`, config.auth_failures_per_minute);
    if (presentsCredentials && !failures.has()) throw limited(failures, 'Too many failed authentication attempts from this address');
    const perMinute = kind === 'commands' ? config.commands_per_minute : config.requests_per_minute;
    const own = this.#bucket(`${kind}:${client}`, perMinute);
    if (!own.take()) throw limited(own, `Too many ${kind === 'commands' ? 'commands' : 'requests'} from this address (api.rate_limits.${kind}_per_minute is ${perMinute})`);
  }

  /** What a request from `client` failed with: a wrong token or login counts toward its lockout. */
  failed(client: string, err: unknown): void {
    if (!(err instanceof KiwiError) || err.code !== 'invalid_token') return;
    const config = this.#current();
    if (config.enabled) this.#bucket(`auth:${client}`, config.auth_failures_per_minute).take();
  }

  #current(): Limits {
    const config = this.limits();
    // By value: the config is a new object after every PATCH, and only new limits start afresh.
    const key = JSON.stringify(config);
    if (key !== this.#seen) {
      this.#buckets.clear();
      this.#seen = key;
    }
    return config;
  }

  #bucket(key: string, perMinute: number): TokenBucket {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= MAX_CLIENTS) prune(this.#buckets);
      b = new TokenBucket(this.clock, perMinute, perMinute / 60);
      this.#buckets.set(key, b);
    }
    return b;
  }
}

/** The limits on every /api request: 429 with Retry-After in seconds over a limit. */
export function rateLimitMiddleware(limiter: RateLimiter): Koa.Middleware {
  return async (ctx, next) => {
    const path = apiPath(ctx.path);
    if (!limiter.enabled || !(path === '/api' || path.startsWith('/api/'))) return next();
    const client = ctx.socket.remoteAddress ?? 'unknown';
    try {
      limiter.admit({ client, kind: routeClass(ctx.method, path), presentsCredentials: Boolean(ctx.get('authorization')) || path === routes.login.path });
      await next();
    } catch (err) {
      if (err instanceof RateLimited) ctx.set('Retry-After', String(err.retryAfterS));
      limiter.failed(client, err);
      throw err;
    }
  };
}

function limited(bucket: TokenBucket, why: string): RateLimited {
  return new RateLimited(why, Math.max(1, Math.ceil(bucket.secondsUntil())));
}

function prune(buckets: Map<string, TokenBucket>): void {
  for (const [key, b] of buckets) if (b.full) buckets.delete(key);
  // Still full of busy clients: forget the oldest half (Map keeps insertion order).
  if (buckets.size >= MAX_CLIENTS) [...buckets.keys()].slice(0, MAX_CLIENTS / 2).forEach((k) => buckets.delete(k));
}
