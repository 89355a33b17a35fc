// glibc malloc settings for the long-running server (`kiwi serve`, `npm run serve`, the benches).
// Plain JavaScript on purpose: it runs before tsx's loader, so the relaunching parent stays a bare
// Node process (~10 MB of its own; the rest of its RSS is pages it shares with its child).
import { spawn } from 'node:child_process';

/**
 * Why (measured, see docs/deployment.md "Memory"): onnxruntime's and sherpa's threads each get a
 * malloc arena (up to 8 per core), and glibc raises its mmap threshold after every large free,
 * so the next large buffers come from those arenas and are never returned. RSS then climbed
 * ~160 MiB in a soak's first minutes and stayed. Two arenas and a fixed mmap threshold (which
 * also fixes the trim threshold) return large buffers to the system when they are freed.
 * glibc reads these only when a process starts, hence the relaunch.
 */
export const MALLOC_TUNING = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' };

/** Set in the relaunched child to the pid of the process that relaunched it (and that it watches). */
export const RELAUNCHED_BY = 'KIWI_MALLOC_PARENT';

/** Signals a service manager or a terminal sends: the child decides what they mean. */
const RELAYED = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/**
 * The child's environment: Kiwi's settings where the user set none (theirs win). Null when no
 * relaunch is due: not glibc, turned off (KIWI_MALLOC_TUNING=off), already relaunched, or
 * every setting already chosen by the user.
 * @param {NodeJS.ProcessEnv} env
 * @param {boolean} glibc
 * @returns {NodeJS.ProcessEnv | null}
 */
export function tunedEnvironment(env, glibc) {
  if (!glibc || env.KIWI_MALLOC_TUNING === 'off' || env[RELAUNCHED_BY] !== undefined) return null;
  const missing = Object.entries(MALLOC_TUNING).filter(([name]) => env[name] === undefined);
  if (missing.length === 0) return null;
  return { ...env, ...Object.fromEntries(missing), [RELAUNCHED_BY]: String(process.pid) };
}

/** Whether this Node runs on glibc (not musl, macOS or Windows), where the settings mean something. */
function onGlibc() {
  if (process.platform !== 'linux') return false;
  const report = /** @type {{ header?: { glibcVersionRuntime?: string } }} */ (process.report.getReport());
  return Boolean(report.header?.glibcVersionRuntime);
}

/**
 * Runs this same command again in a child process with MALLOC_TUNING in its environment and
 * returns true; this process then only relays signals and exits as the child did (its code, or
 * the same signal). Returns false when this process should run Kiwi itself.
 * Call it first thing, before anything big is loaded or argv is changed.
 */
export function relaunchWithMallocTuning() {
  const env = tunedEnvironment(process.env, onGlibc());
  if (!env) return false;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit' });
  const relay = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  for (const signal of RELAYED) process.on(signal, relay);
  child.once('error', (err) => {
    console.error(`kiwi: cannot start ${process.execPath}: ${err.message}`);
    process.exit(70);
  });
  child.once('exit', (code, signal) => {
    for (const s of RELAYED) process.off(s, relay);
    if (signal) process.kill(process.pid, signal); // die the way the child died, so a shell or service manager sees it
    else process.exit(code ?? 70);
  });
  return true;
}
