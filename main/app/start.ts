import path from 'node:path';
import { KiwiError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { appRoot, modelsDir } from '../platform/paths.ts';
import { VERSION } from '../platform/version.ts';
import { startServer, type KiwiServer } from '../server/server.ts';
import { KiwiRuntime, type RuntimeOptions } from './runtime.ts';
import { announceServer } from './server-registry.ts';
import { followSystemAudio } from './system-audio.ts';

export interface RunningKiwi {
  runtime: KiwiRuntime;
  server: KiwiServer;
  /** Resolves once Kiwi has stopped (shutdown request, signal, or stop()). */
  stopped: Promise<void>;
  stop(reason: string): Promise<void>;
}

export { VERSION };

/** Engine + API + dashboard in this process: what `kiwi serve` and the desktop shell both run. */
export async function startKiwi(options: { env?: NodeJS.ProcessEnv; logger: Logger; clock?: RuntimeOptions['clock'] }): Promise<RunningKiwi> {
  const runtime = await KiwiRuntime.create(options);
  const { host, port } = runtime.config.current.api;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let stopping: Promise<void> | null = null;
  let stopSystemAudio = async () => undefined as void;
  let forget = async () => undefined as void;

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      runtime.bus.emit('SERVICE_SHUTDOWN', { reason }, 'runtime');
      // Turns still running (a chat waiting on the LLM) end now, so their requests are answered
      // before the server closes rather than cut off by its one-second grace.
      runtime.engine.stop();
      await stopSystemAudio();
      await forget();
      await server.close();
      await runtime.close();
      runtime.logger.info({ reason }, 'Kiwi stopped');
      markStopped();
    })();
    return stopping;
  };

  let server: KiwiServer;
  try {
    server = await startServer(runtime, {
      host,
      port,
      dashboardDir: path.join(appRoot, 'dist', 'renderer'),
      version: VERSION,
      requestShutdown: () => void stop('api'),
    });
  } catch (err) {
    await runtime.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new KiwiError('port_in_use', `Port ${port} on ${host} is in use: is Kiwi already running? Set KIWI_PORT to use another port`);
    }
    throw err;
  }
  // Noted in the models folder, so `kiwi models delete` asks this server (its in-use check) and `download` tells it of a new model.
  forget = await announceServer(modelsDir(options.env ?? process.env), server.url).catch((err: unknown) => {
    runtime.logger.warn({ err }, 'could not note this server in the models folder: `kiwi models delete` and `download` will not see it');
    return async () => undefined;
  });
  stopSystemAudio = await followSystemAudio(runtime);
  runtime.logger.info({ url: server.url }, `Kiwi is listening on ${server.url}`);
  return { runtime, server, stopped, stop };
}
