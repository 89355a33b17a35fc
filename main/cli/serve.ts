import { startKiwi } from '../app/start.ts';
import { createLogger } from '../platform/logger.ts';
import type { CliCommand } from './command.ts';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the engine, the REST/WebSocket API and the dashboard (headless)',
  usage: [
    'Usage: kiwi serve',
    '',
    'Environment: KIWI_HOST (default 127.0.0.1), KIWI_PORT (7789), KIWI_DATA_DIR, KIWI_CONFIG,',
    'KIWI_MODELS_DIR, KIWI_API_TOKEN, KIWI_LOG_LEVEL. SIGINT/SIGTERM stop it gracefully.',
  ].join('\n'),
  async run() {
    const kiwi = await startKiwi({ logger: createLogger() });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void kiwi.stop(signal));
    await kiwi.stopped;
    return 0;
  },
};
