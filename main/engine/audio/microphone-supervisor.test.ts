import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MicrophoneSupervisor } from './microphone-supervisor.ts';
import type { Recorder } from './system-input.ts';

/**
 * The recorder is a stand-in (no capture device here): a shell script that writes raw s16le
 * silence to stdout like parec does, and dies the way an unplugged USB microphone makes it die
 * (exit 1 with a message). A counter file makes it fail the first N starts and then keep running.
 */
async function flakyRecorder(failures: number): Promise<{ recorder: Recorder; dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-mic-'));
  const counter = path.join(dir, 'starts');
  const script = [
    `n=$(cat '${counter}' 2>/dev/null || echo 0)`,
    `echo $((n+1)) > '${counter}'`,
    // the first start records a little, then the device goes away; restarts fail at once until it is back
    `if [ "$n" -eq 0 ]; then head -c 3200 /dev/zero; fi`,
    `if [ "$n" -lt ${failures} ]; then echo 'Stream error: No such entity' >&2; exit 1; fi`,
    'exec cat /dev/zero',
  ].join('\n');
  return { recorder: { name: 'parec-stand-in', command: '/bin/sh', args: ['-c', script] }, dir };
}

describe.skipIf(process.platform === 'win32')('MicrophoneSupervisor', () => {
  let supervisor: MicrophoneSupervisor | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await supervisor?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('restarts a recorder that died, with growing backoff, reports it, and says when audio is back', async () => {
    const made = await flakyRecorder(3);
    dir = made.dir;
    const log: string[] = [];
    let frames = 0;
    let recovered!: () => void;
    const back = new Promise<void>((resolve) => (recovered = resolve));
    const states: string[] = [];
    supervisor = new MicrophoneSupervisor(
      made.recorder,
      {
        onFrame: () => frames++,
        failed: ({ code, message }, retryInMs) => {
          log.push(`failed ${code} retry ${retryInMs}`);
          states.push(supervisor!.status.state);
          expect(message).toMatch(/parec-stand-in stopped \(exit code 1\): Stream error: No such entity/);
        },
        recovered: (restarts) => {
          log.push(`recovered after ${restarts}`);
          recovered();
        },
      },
      { initialMs: 20, maxMs: 60 },
    );
    supervisor.start();
    await back;
    expect(log).toEqual(['failed microphone_failed retry 20', 'failed microphone_failed retry 40', 'failed microphone_failed retry 60', 'recovered after 3']);
    expect(states).toEqual(['restarting', 'restarting', 'restarting']);
    expect(supervisor.status).toMatchObject({ state: 'listening', recorder: 'parec-stand-in', restarts: 3, last_error: expect.stringContaining('exit code 1') });
    expect(frames).toBeGreaterThan(0);
  });

  it('stop() ends it for good: no restart after the recorder is killed', async () => {
    const made = await flakyRecorder(0);
    dir = made.dir;
    const failures: number[] = [];
    supervisor = new MicrophoneSupervisor(made.recorder, { onFrame: () => undefined, failed: (_r, ms) => failures.push(ms), recovered: () => undefined }, { initialMs: 10, maxMs: 10 });
    supervisor.start();
    await expect.poll(() => fs.readFile(path.join(made.dir, 'starts'), 'utf8').catch(() => '')).toBe('1\n'); // the recorder runs
    await supervisor.stop();
    // stop() resolves once the recorder has closed: an end it caused would have been reported by now.
    expect(failures).toEqual([]);
    expect(supervisor.status.state).toBe('stopped');
  });
});
