import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ErrorBody } from '../contract/api.ts';
import { EVENT_NAMES, EventEnvelope, wireEventSchema } from '../contract/events.ts';
import { routes, type RouteSpec } from '../contract/routes.ts';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed JSON or invalid fields',
  401: 'Authentication required or token invalid',
  403: 'Foreign Host/Origin, insufficient scope, or not allowed',
  404: 'Unknown id',
  409: 'Conflicts with the current state',
  413: 'Body larger than 64 KiB',
  415: 'Body is not application/json',
  429: 'Rate limited (config api.rate_limits): wait the Retry-After seconds',
  502: 'The peer answered badly',
  503: 'A needed part is not available (the message names it)',
};
const COMMON_ERRORS = [400, 401, 403, 413, 415, 429];

/** The OpenAPI 3.1 document of the whole API, generated from the contract's zod schemas. */
export function buildOpenApiDocument(version: string): object {
  const registry = new OpenAPIRegistry();
  for (const spec of Object.values(routes) as RouteSpec[]) {
    const errors = Object.fromEntries(
      [...new Set([...COMMON_ERRORS, ...spec.errors])].sort().map((status) => [
        status,
        {
          description: status === 413 && spec.bodyLimit ? `Body larger than ${spec.bodyLimit / 1024 / 1024} MiB` : (ERROR_TEXT[status] ?? 'Error'),
          content: { 'application/json': { schema: ErrorBody } },
        },
      ]),
    );
    registry.registerPath({
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      description: `Scope: ${spec.public ? 'none' : spec.scope}`,
      request: {
        ...(spec.params ? { params: spec.params as z.ZodObject } : {}),
        ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
        ...(spec.body ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: { [spec.status ?? 200]: { description: spec.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: spec.response } } }, ...errors },
    });
  }
  registry.registerComponent('schemas', 'EventEnvelope', z.toJSONSchema(EventEnvelope) as object);
  // One schema per event, named by the event: the `data` of an envelope whose `event` is that name.
  for (const name of EVENT_NAMES) registry.registerComponent('schemas', name, z.toJSONSchema(wireEventSchema(name), { io: 'output' }) as object);
  const websocket = (summary: string, description: string) => ({
    get: { summary, description, responses: { 101: { description: 'Switching Protocols' } } },
  });
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Kiwi API', version, description: 'Local REST and WebSocket API of Kiwi, the private voice assistant.' },
    servers: [{ url: 'http://127.0.0.1:7789' }],
  });
  document.paths ??= {};
  document.paths['/api/events'] = websocket(
    'WebSocket: event stream (scope read)',
    'Messages are EventEnvelope JSON; `data` follows the schema named by `event` (components.schemas). What was said and answered (transcripts, replies, LLM text) is null unless the client may read that turn, as in GET /api/conversation: admin every turn, a token with speaker_id that speaker\'s. Send {"type":"ping"} to get {"event":"pong"}.',
  );
  document.paths['/api/audio'] = websocket(
    'WebSocket: microphone up, reply audio down (scope control)',
    'Binary PCM s16le mono, 16 kHz unless the client first sends {"type":"hello","sample_rate":N}. Reply audio arrives as binary frames between {"type":"audio_start","sample_rate":N,"channels":1,"format":"s16le"} and {"type":"audio_end"} (with "interrupted":true when a stop or barge-in cut it), paced at most 0.3 s ahead of real time.',
  );
  return document;
}
