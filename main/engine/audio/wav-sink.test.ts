import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav, readWav16k } from './wav.ts';
import { WavFileSink } from './wav-sink.ts';

const tone = (hz: number, seconds: number, rate: number) =>
  Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / rate));

describe('WavFileSink', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-wavsink-'));
  });
  afterAll(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });

  it('collects what is played, at the highest rate, and writes it on end', async () => {
    const file = path.join(dir, 'out.wav');
    const sink = new WavFileSink(file);
    const signal = new AbortController().signal;
    await sink.play({ samples: tone(660, 0.2, 16000), sampleRate: 16000 }, signal); // a cue
    await sink.play({ samples: tone(440, 1, 22050), sampleRate: 22050 }, signal); // a reply
    expect(sink.seconds).toBeCloseTo(1.2, 3);
    await expect(fsp.access(file)).rejects.toThrow(); // nothing written before end()
    const written = await sink.end();
    const back = decodeWav(await fsp.readFile(file));
    expect(back.sampleRate).toBe(22050);
    expect(back.samples.length).toBe(written.samples.length);
    expect(back.samples.length / 22050).toBeCloseTo(1.2, 2);
    expect((await readWav16k(file)).samples.length).toBeGreaterThan(19000);
    await expect(sink.end()).rejects.toThrow(/already been written/);
    await expect(sink.play({ samples: tone(440, 0.1, 16000), sampleRate: 16000 }, signal)).rejects.toThrow(/already been written/);
  });

  it('refuses audio after an abort, and writes an empty file when nothing was played', async () => {
    const file = path.join(dir, 'empty.wav');
    const sink = new WavFileSink(file);
    const controller = new AbortController();
    controller.abort(new Error('barge-in'));
    await expect(sink.play({ samples: tone(440, 0.1, 16000), sampleRate: 16000 }, controller.signal)).rejects.toThrow('barge-in');
    await sink.end();
    expect(decodeWav(await fsp.readFile(file)).samples.length).toBe(0);
  });
});
