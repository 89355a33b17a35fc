import pino from 'pino';

export type Logger = pino.Logger;

/**
 * One logger for the process, to stdout (stderr for CLI commands whose stdout is their output);
 * `KIWI_LOG_LEVEL` sets the level (default info).
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env, fd: 1 | 2 = 1): Logger {
  return pino({ name: 'kiwi', level: env.KIWI_LOG_LEVEL ?? 'info' }, pino.destination({ fd, sync: true }));
}
