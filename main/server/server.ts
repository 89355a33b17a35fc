import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import Koa from 'koa';
import { WebSocketServer } from 'ws';
import type { ServerServices } from './services.ts';
import { KiwiError } from '../platform/errors.ts';
import { createApiRouter, resolveGrant, authorize } from './api-router.ts';
import { AuthService } from './auth.ts';
import { errorBody, errorMiddleware } from './errors-middleware.ts';
import { allowedHostHeaders, isLoopbackHost } from './guards.ts';
import { createHandlers } from './handlers.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { RateLimited, RateLimiter, apiPath, rateLimitMiddleware } from './rate-limit.ts';
import { checkHostAndOrigin, guardMiddleware } from './request-guards.ts';
import { securityHeaders, serveDashboard } from './static-files.ts';
import { AudioSockets } from './ws-audio.ts';
import { attachEventStream } from './ws-events.ts';
import { keepAlive } from './ws-heartbeat.ts';

export interface ServerOptions {
  host: string;
  port: number;
  dashboardDir: string;
  version: string;
  /** Called after POST /api/shutdown has answered. */
  requestShutdown: () => void;
}

export interface KiwiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const WS_MAX_PAYLOAD = 64 * 1024;

export async function startServer(runtime: ServerServices, options: ServerOptions): Promise<KiwiServer> {
  const config = () => runtime.config.current;
  const auth = new AuthService(config, isLoopbackHost(options.host));
  if (auth.required && config().api.auth.tokens.length === 0) {
    const why = isLoopbackHost(options.host) ? 'api.auth.enabled is true' : `Listening on ${options.host} (beyond loopback)`;
    throw new KiwiError('auth_needs_token', `${why}, so Kiwi needs API tokens: set KIWI_API_TOKEN or api.auth.tokens in the config file`);
  }
  let port = options.port;
  const allowedHosts = () => allowedHostHeaders(options.host, port, config().api.allowed_hosts);
  const audio = new AudioSockets(runtime);
  const handlers = createHandlers({ runtime, auth, audioClients: () => audio.count, requestShutdown: options.requestShutdown });
  const router = createApiRouter(handlers, auth);
  const openapi = buildOpenApiDocument(options.version);

  const app = new Koa();
  app.use(errorMiddleware(runtime.logger));
  app.use(securityHeaders());
  app.use(guardMiddleware(allowedHosts));
  const limiter = new RateLimiter(() => config().api.rate_limits);
  app.use(rateLimitMiddleware(limiter));
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/api/openapi.json') ctx.body = openapi;
    else await next();
  });
  app.use(router.routes());
  app.use(async (ctx, next) => {
    if (!apiPath(ctx.path).startsWith('/api')) return next(); // '/API/x' too: the API's 404, not the dashboard
    const match = router.match(ctx.path, ctx.method);
    if (match.route) return; // answered by the router
    if (match.path.length > 0) {
      const allowed = [...new Set(match.path.flatMap((layer) => layer.methods))];
      ctx.set('Allow', allowed.join(', ')); // RFC 9110: a 405 says which methods the resource has
      throw new KiwiError('method_not_allowed', `${ctx.method} is not supported on ${ctx.path} (it has ${allowed.join(', ')})`, 405);
    }
    throw new KiwiError('not_found', `No API route ${ctx.method} ${ctx.path}`, 404);
  });
  app.use(serveDashboard(options.dashboardDir));
  app.use((ctx) => {
    throw new KiwiError('not_found', `Nothing at ${ctx.method} ${ctx.path}`, 404);
  });

  const server = http.createServer(app.callback());
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));
  const events = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const audioWss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  attachEventStream(events, runtime);
  audio.attach(audioWss);
  keepAlive(events);
  keepAlive(audioWss);

  /** resolveGrant, with a wrong token counted toward the address's lockout (as on HTTP). */
  const resolveGrantCounting = (client: string, headers: Parameters<typeof resolveGrant>[1]) => {
    try {
      return resolveGrant(auth, headers);
    } catch (err) {
      limiter.failed(client, err);
      throw err;
    }
  };

  server.on('upgrade', (req, socket: Socket, head) => {
    try {
      const path = new URL(req.url ?? '/', 'http://kiwi').pathname;
      const target = path === '/api/events' ? events : path === '/api/audio' ? audioWss : null;
      if (!target) throw new KiwiError('not_found', `No WebSocket at ${path}`, 404);
      checkHostAndOrigin(req, allowedHosts());
      const client = req.socket.remoteAddress ?? 'unknown';
      limiter.admit({ client, kind: 'requests', presentsCredentials: Boolean(req.headers.authorization) });
      const grant = resolveGrantCounting(client, { authorization: req.headers.authorization, cookie: req.headers.cookie });
      authorize({ scope: target === events ? 'read' : 'control' }, grant);
      if (target === audioWss && audio.full) {
        throw new KiwiError('too_many_clients', `At most ${config().api.max_audio_clients} audio clients at once`, 429);
      }
      target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req, grant)); // ws-events.ts filters by the grant
    } catch (err) {
      const e = err instanceof KiwiError ? err : new KiwiError('internal_error', 'Upgrade failed', 500);
      if (!(err instanceof KiwiError)) runtime.logger.error({ err }, 'websocket upgrade failed');
      answerRaw(socket, e);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      for (const wss of [events, audioWss]) for (const client of wss.clients) client.close(1001, 'Kiwi is shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      events.close();
      audioWss.close();
    },
  };
}

/** What Node's HTTP parser refuses before Koa sees a request answers in the API's error shape too. */
const CLIENT_ERRORS: Record<string, KiwiError> = {
  HPE_HEADER_OVERFLOW: new KiwiError('headers_too_large', 'The request line or headers are too large (at most 16 KiB)', 431),
  ERR_HTTP_REQUEST_TIMEOUT: new KiwiError('request_timeout', 'The request took too long to arrive (30 s)', 408),
};

function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // As Node's own handler: never write into a response already on its way.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answerRaw(socket, CLIENT_ERRORS[err.code ?? ''] ?? new KiwiError('bad_request', 'Malformed HTTP request', 400));
}

/** An answer written straight to the socket (no Koa response exists): refused upgrades and malformed requests. */
function answerRaw(socket: Socket, err: KiwiError): void {
  const body = JSON.stringify(errorBody(err.code, err.message));
  const retryAfter = err instanceof RateLimited ? `Retry-After: ${err.retryAfterS}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${err.status} ${http.STATUS_CODES[err.status] ?? 'Error'}\r\n${retryAfter}` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
