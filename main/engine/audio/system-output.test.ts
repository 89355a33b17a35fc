import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidAlive as alive } from '../../testing/pid-alive.ts';
import { settledBeforeNextTurn } from '../../testing/settled.ts';
import type { Pcm } from '../stages.ts';
import { AudioHub } from './audio-hub.ts';
import { findExecutable } from './processes.ts';
import { findSpeaker, linuxOutputReachable, speakerAvailable, SystemSpeakerSink, type Player } from './system-output.ts';
import { decodeWav } from './wav.ts';
import { WavFileSink } from './wav-sink.ts';

/**
 * This machine has no sound card and no sound server: the player is replaced by stand-ins that
 * exercise the same spawn / pipe / exit / kill path (sox writing what it is piped to a file, a
 * sleeping process for barge-in). The real sox `play` is run once, to see it fail cleanly.
 */
const tone = (seconds: number, rate: number): Pcm => ({
  samples: Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate)),
  sampleRate: rate,
});
const never = () => new AbortController().signal;

describe('system speaker sink (stand-in players)', () => {
  let dir: string;
  let sox: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-speaker-'));
    const found = await findExecutable('sox');
    if (!found) throw new Error('sox is needed as the stand-in player (apt-get install sox)');
    sox = found;
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('pipes raw s16le mono at the audio rate to the player and resolves when it exits', async () => {
    const out = path.join(dir, 'raw.wav');
    const player: Player = { name: 'sox-to-file', command: sox, input: 'raw', args: (rate) => ['-q', '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', '-', out] };
    const audio = tone(1.5, 22050);
    await new SystemSpeakerSink(player).play(audio, never());
    const heard = decodeWav(await fsp.readFile(out));
    expect(heard.sampleRate).toBe(22050);
    expect(heard.samples.length).toBe(audio.samples.length);
    let maxDiff = 0;
    for (let i = 0; i < heard.samples.length; i++) maxDiff = Math.max(maxDiff, Math.abs(heard.samples[i]! - audio.samples[i]!));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('starts a raw player at the first piece of a streamed reply and feeds it the rest as they are made', async () => {
    const out = path.join(dir, 'streamed.wav');
    const started = path.join(dir, 'player-started');
    const player: Player = { name: 'sox-to-file', command: 'sh', input: 'raw', args: (rate) => ['-c', `touch ${started}; exec ${sox} -q -t raw -r ${rate} -e signed -b 16 -c 1 - ${out}`] };
    let playingBeforeLastPiece = false;
    const pieces = (async function* () {
      yield tone(0.2, 22050);
      yield tone(0.5, 22050);
      // The last piece is made only once the player runs (or after 5 s, and the test fails).
      for (let waited = 0; waited < 5000 && !playingBeforeLastPiece; waited += 10) {
        playingBeforeLastPiece = fs.existsSync(started);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      yield tone(0.8, 22050);
    })();
    await new SystemSpeakerSink(player).playStream(pieces, never());
    expect(playingBeforeLastPiece).toBe(true);
    expect(decodeWav(await fsp.readFile(out)).samples.length).toBe(Math.round(1.5 * 22050));
  });

  it('feeds WAV on stdin or as a temp file to players that want that, and cleans the file up', async () => {
    const viaStdin = path.join(dir, 'stdin.wav');
    await new SystemSpeakerSink({ name: 'sox-wav', command: sox, input: 'wav-stdin', args: () => ['-q', '-t', 'wav', '-', viaStdin] }).play(tone(0.5, 24000), never());
    expect(decodeWav(await fsp.readFile(viaStdin)).samples.length).toBe(12000);
    const copy = path.join(dir, 'copy.wav');
    let tempFile = '';
    const cp: Player = { name: 'cp', command: 'cp', input: 'wav-file', args: (_rate, file) => ((tempFile = file), [file, copy]) };
    await new SystemSpeakerSink(cp).play(tone(0.25, 16000), never());
    expect(decodeWav(await fsp.readFile(copy)).samples.length).toBe(4000);
    await expect(fsp.access(tempFile)).rejects.toThrow(); // the temp WAV is gone
  });

  it('barge-in: an abort kills the player at once and rejects with the reason', async () => {
    const pidFile = path.join(dir, 'player.pid');
    const slow: Player = { name: 'slow', command: 'sh', input: 'raw', args: () => ['-c', `echo $$ > ${pidFile}; exec sleep 30`] };
    const controller = new AbortController();
    const playing = new SystemSpeakerSink(slow).play(tone(10, 22050), controller.signal);
    await expect.poll(() => fsp.readFile(pidFile, 'utf8').catch(() => '')).toMatch(/^\d+\n/);
    const pid = Number(await fsp.readFile(pidFile, 'utf8'));
    expect(alive(pid)).toBe(true);
    controller.abort(new Error('barge-in'));
    // At once: the rejection comes in the same turn of the event loop, not when the player exits (it would in 30 s).
    expect(await settledBeforeNextTurn(playing)).toMatchObject({ rejected: { message: 'barge-in' } });
    await expect.poll(() => alive(pid)).toBe(false);
  });

  it('reports a failing player with its stderr; an AudioHub keeps the other sinks', async () => {
    const broken: Player = { name: 'broken', command: 'sh', input: 'raw', args: () => ['-c', 'cat >/dev/null; echo "no device" >&2; exit 1'] };
    await expect(new SystemSpeakerSink(broken).play(tone(0.1, 16000), never())).rejects.toThrow(/broken failed \(exit code 1\): no device/);
    const hub = new AudioHub();
    const file = new WavFileSink(path.join(dir, 'hub.wav'));
    hub.addSink(new SystemSpeakerSink(broken));
    hub.addSink(file);
    await hub.play(tone(0.1, 16000), never());
    expect(file.seconds).toBeCloseTo(0.1, 3);
  });

  it('the real sox `play` without a sound device fails with a clear error, not a hang', async () => {
    // A PATH with sox's `play` alone: paplay or aplay installed beside it would come first.
    const bin = path.join(dir, 'only-play');
    await fsp.mkdir(bin, { recursive: true });
    await fsp.symlink(path.join(path.dirname(sox), 'play'), path.join(bin, 'play'));
    const play = await findSpeaker({ platform: 'linux', ignoreDevices: true, env: { PATH: bin } });
    expect(play?.name).toBe('play');
    await expect(new SystemSpeakerSink(play!).play(tone(0.2, 16000), never())).rejects.toThrow(/play failed .*no default audio device/s);
  });
});

describe('speaker detection', () => {
  const runtime = process.env.XDG_RUNTIME_DIR ?? '/nonexistent';
  const soundless =
    process.platform === 'linux' &&
    !fs.existsSync('/proc/asound/pcm') &&
    !process.env.PULSE_SERVER &&
    !fs.existsSync(path.join(runtime, 'pulse', 'native')) &&
    !fs.existsSync(path.join(runtime, 'pipewire-0'));

  it.runIf(soundless)('finds no speaker on a Linux machine without sound card or sound server (like this one)', async () => {
    expect(await speakerAvailable({ platform: 'linux', env: { PATH: process.env.PATH } })).toBeNull();
  });

  it('sees a sound server socket or an ALSA playback device', async () => {
    const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-root-'));
    try {
      expect(linuxOutputReachable('aplay', {}, root)).toBe(false);
      await fsp.mkdir(path.join(root, 'proc', 'asound'), { recursive: true });
      await fsp.writeFile(path.join(root, 'proc', 'asound', 'pcm'), '00-00: ALC892 Analog : ALC892 Analog : capture 1\n');
      expect(linuxOutputReachable('aplay', {}, root)).toBe(false); // capture only
      await fsp.writeFile(path.join(root, 'proc', 'asound', 'pcm'), '00-00: ALC892 Analog : ALC892 Analog : playback 1 : capture 1\n');
      expect(linuxOutputReachable('aplay', {}, root)).toBe(true);
      expect(linuxOutputReachable('paplay', {}, root)).toBe(false);
      await fsp.mkdir(path.join(root, 'run', 'pulse'), { recursive: true });
      await fsp.writeFile(path.join(root, 'run', 'pulse', 'native'), '');
      expect(linuxOutputReachable('paplay', { XDG_RUNTIME_DIR: path.join(root, 'run') }, root)).toBe(true);
      expect(linuxOutputReachable('paplay', { PULSE_SERVER: 'tcp:localhost' }, root)).toBe(true);
    } finally {
      await fsp.rm(root, { recursive: true, force: true });
    }
  });
});
