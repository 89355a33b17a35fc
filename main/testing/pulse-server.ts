import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findExecutable, runProcess } from '../engine/audio/processes.ts';

/**
 * A private PulseAudio server for tests (Debian's `pulseaudio`, installed by .ci/run): its own
 * runtime folder, no hardware, null sinks as speakers and a null source as a microphone. What is
 * played into a null sink comes out of its monitor source, so a test can hear what Kiwi played.
 */
export interface PulseServer {
  /** PATH, HOME and XDG_RUNTIME_DIR that lead pactl, parec and paplay to this server only. */
  env: NodeJS.ProcessEnv;
  pactl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface PulseDevices {
  /** Null sinks: name → description. */
  sinks: Record<string, string>;
  /** Null sources: name → description. */
  sources: Record<string, string>;
}

export async function startPulseServer(devices: PulseDevices): Promise<PulseServer> {
  const daemon = await findExecutable('pulseaudio');
  if (!daemon) throw new Error('the PulseAudio tests need Debian\'s pulseaudio and pulseaudio-utils (apt-get install pulseaudio pulseaudio-utils; .ci/run does)');
  const home = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-pulse-'));
  await fsp.chmod(home, 0o700);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_RUNTIME_DIR: home, LANG: 'C' };
  const modules = [
    'module-native-protocol-unix',
    ...Object.entries(devices.sinks).map(([name, description]) => `module-null-sink sink_name=${name} sink_properties=device.description=${description}`),
    ...Object.entries(devices.sources).map(([name]) => `module-null-source source_name=${name}`),
  ];
  const child: ChildProcess = spawn(
    daemon,
    ['-n', '--daemonize=no', '--exit-idle-time=-1', '--disable-shm=yes', '--use-pid-file=no', '--log-target=stderr', ...modules.flatMap((m) => ['-L', m])],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await fsp.rm(home, { recursive: true, force: true });
  };
  const pactl = async (...args: string[]) => (await runProcess('pactl', args, { env })).toString('utf8');
  // Ready once it answers (the socket appears before the modules are loaded).
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`pulseaudio exited at start: ${log}`);
    }
    if (fs.existsSync(path.join(home, 'pulse', 'native'))) {
      const sinks = await pactl('list', 'short', 'sinks').catch(() => '');
      if (Object.keys(devices.sinks).every((name) => sinks.includes(name))) break;
    }
    if (attempt > 200) {
      await stop();
      throw new Error(`pulseaudio did not come up in 20 s: ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { env, pactl, stop };
}
