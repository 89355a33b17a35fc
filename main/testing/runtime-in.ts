import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { KiwiRuntime } from '../app/runtime.ts';
import { createLogger } from '../platform/logger.ts';

export interface RuntimeInOptions {
  /** KIWI_AUTO_DOWNLOAD_MODELS; unset: Kiwi's default. */
  autoDownload?: boolean;
  /** Written to <dir>/catalog.json (the runtime reads it as KIWI_CATALOG). */
  catalog: unknown;
  /** Written to <dir>/data/config.yaml before the runtime starts. */
  config?: string;
}

/**
 * A runtime (no API) whose files all live in a test's own folder: <dir>/data, <dir>/models and the
 * catalog <dir>/catalog.json; the wake word is heard in the transcript, logs are silent.
 */
export async function startRuntimeIn(dir: string, options: RuntimeInOptions): Promise<KiwiRuntime> {
  await fs.writeFile(path.join(dir, 'catalog.json'), JSON.stringify(options.catalog));
  if (options.config !== undefined) {
    await fs.mkdir(path.join(dir, 'data'), { recursive: true });
    await fs.writeFile(path.join(dir, 'data', 'config.yaml'), options.config);
  }
  return KiwiRuntime.create({
    env: {
      KIWI_DATA_DIR: path.join(dir, 'data'),
      KIWI_MODELS_DIR: path.join(dir, 'models'),
      KIWI_CATALOG: path.join(dir, 'catalog.json'),
      KIWI_WAKE_WORD_ENGINE: 'text',
      ...(options.autoDownload === undefined ? {} : { KIWI_AUTO_DOWNLOAD_MODELS: String(options.autoDownload) }),
    },
    logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }),
  });
}

export interface HeldServer {
  /** http://127.0.0.1:<port>, for catalog URLs. */
  base: string;
  /** Let the requests held so far (and all later ones) be answered. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for a download host that holds every request until the test releases it,
 * so a test sees a download under way for as long as it needs (nothing is fetched from the internet).
 */
export async function startHeldServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<HeldServer> {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer((req, res) => void gate.then(() => answer(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    release,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
