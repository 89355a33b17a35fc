import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startKiwi, type RunningKiwi } from '../app/start.ts';
import type { Clock } from '../platform/clock.ts';
import { createLogger } from '../platform/logger.ts';

/**
 * An isolated Kiwi for tests: engine + API in this process, on 127.0.0.1 and a free port, with
 * its own temporary data folder. Nothing is shared with the developer's real Kiwi.
 */
export interface TestKiwi {
  url: string;
  port: number;
  kiwi: RunningKiwi;
  dataDir: string;
  configPath: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Stop Kiwi and delete its data folder. Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface RequestOptions {
  /** An object is sent as JSON (Content-Type: application/json unless headers say otherwise); a string or Buffer as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the body with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
}

export interface TestResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface StartOptions {
  /** Written to <data>/config.yaml before Kiwi starts (an object is dumped as YAML). */
  config?: string | Record<string, unknown>;
  /** Extra environment; KIWI_DATA_DIR and KIWI_PORT are set for you. */
  env?: Record<string, string>;
  /** The clock timers and "what time is it" read (a manual one moves only when the test says). */
  clock?: Clock;
}

export async function makeTempDir(prefix = 'kiwi-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function startTestKiwi(options: StartOptions = {}): Promise<TestKiwi> {
  const dataDir = await makeTempDir();
  const configPath = path.join(dataDir, 'config.yaml');
  if (options.config !== undefined) {
    const text = typeof options.config === 'string' ? options.config : YAML.stringify(options.config);
    await fs.writeFile(configPath, text, { mode: 0o600 });
  }
  // The test machine's own microphone and speaker (if it has any) stay out of tests.
  const env: NodeJS.ProcessEnv = {
    KIWI_DATA_DIR: dataDir,
    KIWI_PORT: '0',
    KIWI_HOST: '127.0.0.1',
    KIWI_AUDIO_INPUT: 'none',
    KIWI_AUDIO_OUTPUT: 'none',
    KIWI_AUTO_DOWNLOAD_MODELS: 'false', // tests never reach for the internet
    ...options.env,
  };
  let kiwi: RunningKiwi;
  try {
    kiwi = await startKiwi({ env, clock: options.clock, logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }) });
  } catch (err) {
    await fs.rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { url, port } = kiwi.server;
  let cleaned = false;
  return {
    url,
    port,
    kiwi,
    dataDir,
    configPath,
    request: (method, p, opts) => httpRequest(port, method, p, opts),
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      await kiwi.stop('test cleanup');
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A plain HTTP request to 127.0.0.1:port with full control over headers (Host and Origin included). */
export function httpRequest(port: number, method: string, p: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string') payload = Buffer.from(options.body);
    else if (Buffer.isBuffer(options.body)) payload = options.body;
    else {
      payload = Buffer.from(JSON.stringify(options.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    if (options.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined; // not JSON: the caller looks at `text`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload && options.chunked) {
      // Several chunks, so the server cannot rely on a declared length.
      const step = 16 * 1024;
      for (let i = 0; i < payload.length; i += step) req.write(payload.subarray(i, i + step));
      req.end();
    } else req.end(payload);
  });
}

/** Wait until `check` returns true (polling), or fail with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
