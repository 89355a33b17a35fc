import fs from 'node:fs';
import { RELAUNCHED_BY } from '../../bin/malloc-tuning.mjs';

/**
 * Calls `onGone` once when a process that launched this one exits: the parent and the
 * `generations - 1` processes above it (Linux; elsewhere the parent alone). `npm run` and `npx`
 * start Kiwi through `sh -c`; on SIGTERM npm signals that shell, which dies without passing the
 * signal on, leaving Kiwi running and holding its port. So the shell and npm are watched: when
 * either is gone, Kiwi stops as if it had been signalled. See `launchers` for how many to watch.
 */
export function watchParent(onGone: () => void, generations: number, everyMs = 250): () => void {
  const parent = process.ppid;
  const watched = [parent];
  while (watched.length < generations) {
    const above = parentOf(watched.at(-1)!);
    if (above === null || above <= 1) break;
    watched.push(above);
  }
  const timer = setInterval(() => {
    if (process.ppid === parent && watched.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * How many launching processes Kiwi lives no longer than: npm's shell and npm itself when npm
 * started it, plus the parent that relaunched it with malloc settings (bin/malloc-tuning.mjs),
 * which relays signals but cannot take its child along if it is killed outright. Zero otherwise:
 * someone who runs `nohup kiwi serve &` wants it to outlive the shell.
 */
export function launchers(env: NodeJS.ProcessEnv = process.env, parent = process.ppid): number {
  const relaunched = env[RELAUNCHED_BY] === String(parent) ? 1 : 0;
  return relaunched + (startedByNpm(env) ? 2 : 0);
}

/** Whether npm (`npm run`, `npx`) started this process: it sets npm_command for its children. */
export const startedByNpm = (env: NodeJS.ProcessEnv = process.env) => Boolean(env.npm_command);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The parent of `pid` from /proc (Linux); null elsewhere. Field 4 of /proc/<pid>/stat, after the parenthesised name. */
function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // no /proc (macOS, Windows)
    throw err;
  }
}
