import path from 'node:path';
import { KiwiError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { appRoot, modelsDir } from '../platform/paths.ts';
import { VERSION } from '../platform/version.ts';
import { startServer, type KiwiServer } from '../server/server.ts';
import { KiwiRuntime, type RuntimeOptions } from './runtime.ts';
import { announceServer, type ServerNote } from './server-registry.ts';
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
  const note = await noteInModelsFolder(options);
  let runtime: KiwiRuntime;
  try {
    runtime = await KiwiRuntime.create(options);
  } catch (err) {
    await note.forget();
    throw err;
  }
  const { host, port } = runtime.config.current.api;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  let stopping: Promise<void> | null = null;
  let stopSystemAudio = async () => undefined as void;

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      runtime.bus.emit('SERVICE_SHUTDOWN', { reason }, 'runtime');
      // Turns still running (a chat waiting on the LLM) end now, so their requests are answered
      // before the server closes rather than cut off by its one-second grace.
      runtime.engine.stop();
      await stopSystemAudio();
      await note.forget();
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
    await note.forget();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new KiwiError('port_in_use', `Port ${port} on ${host} is in use: is Kiwi already running? Set KIWI_PORT to use another port`);
    }
    throw err;
  }
  await note.listening(server.url).catch((err: unknown) => {
    runtime.logger.warn({ err }, 'could not note where this server answers in the models folder: `kiwi models delete` and `download` cannot reach it');
  });
  stopSystemAudio = await followSystemAudio(runtime);
  runtime.logger.info({ url: server.url }, `Kiwi is listening on ${server.url}`);
  return { runtime, server, stopped, stop };
}

/**
 * Noted in the models folder before any model is opened, so `kiwi models delete` never deletes
 * one under a starting engine (it asks this server once it listens), and `download` tells it of
 * a new model. A deletion that began before the note is waited for.
 */
async function noteInModelsFolder({ env = process.env, logger }: { env?: NodeJS.ProcessEnv; logger: Logger }): Promise<ServerNote> {
  const onWait = (pids: number[]) => logger.info({ pids }, 'waiting for `kiwi models delete` to finish before opening models');
  return announceServer(modelsDir(env), onWait).catch((err: unknown) => {
    logger.warn({ err }, 'could not note this server in the models folder: `kiwi models delete` and `download` will not see it');
    return { listening: async () => undefined, forget: async () => undefined };
  });
}
