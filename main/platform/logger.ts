import pino from 'pino';

export type Logger = pino.Logger;

/** One logger for the process, to stdout; `KIWI_LOG_LEVEL` sets the level (default info). */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ name: 'kiwi', level: env.KIWI_LOG_LEVEL ?? 'info' }, pino.destination({ fd: 1, sync: true }));
}
