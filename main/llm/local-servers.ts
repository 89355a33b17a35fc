import { z } from 'zod';
import type { LocalLlmServers } from '../contract/api.ts';
import type { Config } from '../contract/config.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { describeError } from '../platform/errors.ts';

type Kind = keyof Config['llm']['local_ports'];
type Found = z.infer<typeof LocalLlmServers>;

/** Each server's name and the model list it really serves: Ollama's own, the others' OpenAI-compatible one. */
const SERVERS: Record<Kind, { name: string; path: string; models: (json: unknown) => string[] | undefined }> = {
  ollama: { name: 'Ollama', path: '/api/tags', models: (json) => OllamaTags.safeParse(json).data?.models.map((m) => m.name) },
  lmstudio: { name: 'LM Studio', path: '/v1/models', models: (json) => OpenAiModels.safeParse(json).data?.data.map((m) => m.id) },
  llamacpp: { name: 'llama.cpp', path: '/v1/models', models: (json) => OpenAiModels.safeParse(json).data?.data.map((m) => m.id) },
};

const OllamaTags = z.object({ models: z.array(z.object({ name: z.string().min(1) })) });
const OpenAiModels = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

/** A model list is small; anything bigger is not one of these servers. */
const MAX_ANSWER_BYTES = 1 << 20;
export const PROBE_TIMEOUT_MS = 1500;

/**
 * Ask 127.0.0.1 — and nothing else: this never scans a network — whether Ollama, LM Studio or
 * llama.cpp's server is running on its port, by fetching the model list each really serves.
 * All ports are asked at once, each with a short timeout; redirects are not followed.
 */
export async function detectLocalLlms(ports: Config['llm']['local_ports'], opts: { timeoutMs?: number; fetch?: typeof fetch; clock?: Clock } = {}): Promise<Found> {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  const clock = opts.clock ?? systemClock;
  const kinds = Object.keys(SERVERS) as Kind[];
  const results = await Promise.all(kinds.map((kind) => probe(kind, ports[kind], doFetch, timeoutMs, clock)));
  return {
    servers: results.flatMap((r) => (r.server ? [r.server] : [])),
    checked: results.map(({ kind, port, error }) => ({ kind, port, error })),
  };
}

async function probe(kind: Kind, port: number, doFetch: typeof fetch, timeoutMs: number, clock: Clock) {
  const { name, path, models } = SERVERS[kind];
  const origin = `http://127.0.0.1:${port}`;
  const fail = (error: string) => ({ kind, port, error, server: null });
  let text: string;
  // AbortSignal.timeout would run on Node's clock: the probe's deadline is on Kiwi's.
  const deadline = new AbortController();
  const cancel = clock.setTimer(() => deadline.abort(new DOMException(`no answer in ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  try {
    const res = await doFetch(origin + path, { redirect: 'manual', signal: deadline.signal, headers: { accept: 'application/json' } });
    if (!res.ok) return fail(`${origin}${path} answered ${res.status}`);
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    if (cause === 'ECONNREFUSED') return fail(`nothing is listening on ${origin}`);
    if ((err as Error).name === 'TimeoutError') return fail(`${origin}${path} did not answer within ${timeoutMs} ms`);
    return fail(`${origin}${path}: ${cause ?? describeError(err)}`);
  } finally {
    cancel();
  }
  if (text.length > MAX_ANSWER_BYTES) return fail(`${origin}${path} answered more than a model list`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(`${origin}${path} did not answer JSON: not ${name}`);
  }
  const list = models(json);
  if (!list) return fail(`${origin}${path} did not answer ${name}'s model list`);
  return { kind, port, error: null, server: { kind, name, port, base_url: `${origin}/v1`, models: list } };
}
