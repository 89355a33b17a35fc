import fs from 'node:fs';

/**
 * Calls `onGone` once when the process that launched this one exits. `npm run` and `npx` start
 * Kiwi through `sh -c`; on SIGTERM npm signals that shell, which dies without passing the signal
 * on, leaving Kiwi running and holding its port. So the parent (the shell) and, on Linux, the
 * grandparent (npm) are watched: when either is gone, Kiwi stops as if it had been signalled.
 * Only for processes started by npm: someone who runs `nohup kiwi serve &` wants it to outlive the shell.
 */
export function watchParent(onGone: () => void, everyMs = 250): () => void {
  const parent = process.ppid;
  const watched = [parent, parentOf(parent)].filter((pid): pid is number => pid !== null && pid > 1);
  const timer = setInterval(() => {
    if (process.ppid === parent && watched.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
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
