import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { LlmConfig } from '../types.ts';

/** Everything an async iterable yields, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** The error an async iterable ends with (fails the test if it ends cleanly). */
export async function failure(iterable: AsyncIterable<unknown>): Promise<{ error: unknown; items: unknown[] }> {
  const items: unknown[] = [];
  try {
    for await (const item of iterable) items.push(item);
  } catch (error) {
    return { error, items };
  }
  throw new Error(`expected the stream to fail, but it ended with ${JSON.stringify(items)}`);
}

export function llmConfig(over: Partial<LlmConfig>): LlmConfig {
  return { provider: 'openai', base_url: '', model: 'test-model', api_key: '', timeout_s: 5, openclaw: DEFAULT_CONFIG.llm.openclaw, local_ports: DEFAULT_CONFIG.llm.local_ports, ...over };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
