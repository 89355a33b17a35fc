import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KiwiError } from '../../platform/errors.ts';
import { findExecutable } from './processes.ts';
import { alsaHasDevice } from './system-output.ts';
import { CAPTURE_RATE, findMicrophone, parseDshowAudioDevices, SystemMicrophone, type Recorder } from './system-input.ts';
import { encodeWav } from './wav.ts';

/**
 * No capture device here: the recorder is a stand-in that writes 16 kHz s16le to stdout the
 * way parec/arecord/rec do — sox reading a WAV file (finite) or synthesizing a tone (endless).
 */
const tone = (hz: number, seconds: number, rate: number) =>
  Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

describe('system microphone (stand-in recorder)', () => {
  let dir: string;
  let sox: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-mic-'));
    const found = await findExecutable('sox');
    if (!found) throw new Error('sox is needed as the stand-in recorder (apt-get install sox)');
    sox = found;
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  const toRaw16k = ['-t', 'raw', '-r', String(CAPTURE_RATE), '-e', 'signed', '-b', '16', '-c', '1', '-'];

  it('turns the recorder output into 16 kHz float frames (resampled by the recorder from 44.1 kHz)', async () => {
    const wav = path.join(dir, 'in.wav');
    const source = tone(440, 1.25, 44100);
    await fsp.writeFile(wav, encodeWav({ samples: source, sampleRate: 44100 }));
    const frames: Float32Array[] = [];
    const ended: (KiwiError | undefined)[] = [];
    const mic = new SystemMicrophone({ name: 'sox-file', command: sox, args: [wav, ...toRaw16k] }, { onFrame: (f) => frames.push(f), onEnd: (e) => ended.push(e) });
    mic.start();
    expect(mic.running).toBe(true);
    await mic.done;
    expect(ended).toEqual([undefined]);
    expect(frames.slice(0, -1).every((f) => f.length === 512)).toBe(true);
    const total = frames.reduce((n, f) => n + f.length, 0);
    expect(total).toBe(20000); // 1.25 s at 16 kHz, the last partial frame included
    // Still a 440 Hz tone: count zero crossings over the whole capture.
    const all = new Float32Array(total);
    frames.reduce((at, f) => (all.set(f, at), at + f.length), 0);
    let crossings = 0;
    for (let i = 1; i < all.length; i++) if (all[i - 1]! < 0 !== all[i]! < 0) crossings++;
    expect(crossings / 2 / 1.25).toBeGreaterThan(430);
    expect(crossings / 2 / 1.25).toBeLessThan(450);
  });

  it('stop() kills an endless recorder; no frame arrives after it', async () => {
    const pidFile = path.join(dir, 'recorder.pid');
    const synth = (seconds: number) => ['-q', '-n', ...toRaw16k, 'synth', String(seconds), 'sine', '300'];
    const endless: Recorder = { name: 'sox-synth', command: 'sh', args: ['-c', `echo $$ > ${pidFile}; exec "$0" "$@"`, sox, ...synth(3600)] };
    let frames = 0;
    let ends = 0;
    const mic = new SystemMicrophone(endless, { onFrame: () => frames++, onEnd: () => ends++, frameSamples: 1600 });
    mic.start();
    await expect.poll(() => frames).toBeGreaterThanOrEqual(20);
    const pid = Number(await fsp.readFile(pidFile, 'utf8'));
    await mic.stop(); // an hour of tone: only a kill ends it
    expect(mic.running).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow(); // the recorder is gone
    const after = frames;
    // Another capture runs from start to end (many turns of the event loop): the stopped one delivers nothing meanwhile.
    let otherFrames = 0;
    const other = new SystemMicrophone({ name: 'sox-synth', command: sox, args: synth(0.5) }, { onFrame: () => otherFrames++, frameSamples: 1600 });
    other.start();
    await other.done;
    expect(otherFrames).toBe(5);
    expect(frames).toBe(after);
    expect(ends).toBe(0); // a stop is not an end
    expect(() => mic.start()).toThrow(/already started/);
  });

  it('reports a recorder that fails, with its message (the real sox `rec` without a device)', async () => {
    const rec = await findExecutable('rec');
    const errors: (KiwiError | undefined)[] = [];
    const mic = new SystemMicrophone({ name: 'rec', command: rec!, args: ['-q', ...toRaw16k] }, { onFrame: () => undefined, onEnd: (e) => errors.push(e) });
    mic.start();
    await mic.done;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('microphone_failed');
    expect(errors[0]?.message).toMatch(/rec stopped \(exit code \d+\).*no default audio device/s);
    const missing: (KiwiError | undefined)[] = [];
    const ghost = new SystemMicrophone({ name: 'ghost', command: '/no/such/recorder', args: [] }, { onFrame: () => undefined, onEnd: (e) => missing.push(e) });
    ghost.start();
    await ghost.done;
    expect(missing[0]?.message).toMatch(/cannot run \/no\/such\/recorder/);
  });
});

describe('microphone detection', () => {
  it('uses no recorder when there is no capture device (audio.input auto stays off)', async () => {
    const hasAlsaCapture = alsaHasDevice('/proc/asound/pcm', 'capture');
    const env = { PATH: process.env.PATH }; // no sound server variables
    if (!hasAlsaCapture) expect(await findMicrophone({ platform: 'linux', env })).toBeNull();
    // macOS: sox rec when installed; none without it.
    expect(await findMicrophone({ platform: 'darwin', env: { PATH: '/nonexistent' } })).toBeNull();
    expect((await findMicrophone({ platform: 'darwin', env }))?.name).toBe('rec');
    // Windows without ffmpeg: none.
    expect(await findMicrophone({ platform: 'win32', env: { PATH: '/nonexistent' } })).toBeNull();
  });

  it("parses ffmpeg's DirectShow device listings (both layouts)", () => {
    const newer = [
      '[dshow @ 000001] "HD Webcam" (video)',
      '[dshow @ 000001]   Alternative name "@device_pnp_\\\\?\\usb#vid"',
      '[dshow @ 000001] "Microphone (Realtek(R) Audio)" (audio)',
      '[dshow @ 000001]   Alternative name "@device_cm_{33D9A762}\\wave_{A1B2}"',
    ].join('\r\n');
    expect(parseDshowAudioDevices(newer)).toEqual(['Microphone (Realtek(R) Audio)']);
    const older = [
      '[dshow @ 02] DirectShow video devices',
      '[dshow @ 02]  "Integrated Camera"',
      '[dshow @ 02] DirectShow audio devices',
      '[dshow @ 02]  "Microphone Array (Intel SST)"',
      '[dshow @ 02]     Alternative name "@device_cm_{33D9A762}"',
    ].join('\n');
    expect(parseDshowAudioDevices(older)).toEqual(['Microphone Array (Intel SST)']);
  });
});
