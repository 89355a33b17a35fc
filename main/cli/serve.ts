import { startKiwi } from '../app/start.ts';
import { createLogger } from '../platform/logger.ts';
import { launchers, watchParent } from '../platform/parent-watch.ts';
import { parseFlags, type CliCommand } from './command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the engine, the REST/WebSocket API and the dashboard (headless)',
  usage: [
    'Usage: kiwi serve',
    '',
    'Environment: KIWI_HOST (default 127.0.0.1), KIWI_PORT (7789), KIWI_DATA_DIR, KIWI_CONFIG,',
    'KIWI_MODELS_DIR, KIWI_API_TOKEN, KIWI_LOG_LEVEL. SIGINT/SIGTERM stop it gracefully.',
  ].join('\n'),
  async run(argv) {
    parseFlags(argv, {}, { positionals: false }); // it takes no arguments: a stray one is a mistake, not ignored
    // Watch for signals and the launcher's exit from the start: one may come while Kiwi is still starting.
    let requested: string | null = null;
    let stop = (reason: string) => void (requested ??= reason);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal)); // a repeated signal must not kill it mid-stop
    const generations = launchers();
    const unwatch = generations > 0 ? watchParent(() => stop('parent process exited'), generations) : () => undefined;
    const kiwi = await startKiwi({ logger: createLogger() });
    stop = (reason) => void kiwi.stop(reason);
    if (requested) stop(requested);
    await kiwi.stopped;
    unwatch();
    return 0;
  },
};
