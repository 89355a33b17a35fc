import { describe, expect, it, vi } from 'vitest';
import { AudioHub } from '../engine/audio/audio-hub.ts';
import { StreamResampler } from '../engine/audio/resampler.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { AudioBridge, toInt16 } from './audio-bridge.ts';
import type { AudioOut } from './ipc-contract.ts';

const WIN = 3;

function setup(leadMs = 300, clock?: ManualClock) {
  const hub = new AudioHub();
  const frames: Array<{ source: string; samples: Float32Array }> = [];
  const ended: string[] = [];
  hub.onFrame((source, samples) => frames.push({ source, samples }));
  hub.onSourceEnd((source) => ended.push(source));
  const stopEngine = vi.fn();
  const bridge = new AudioBridge({ hub, stopEngine, resampler: (rate) => new StreamResampler(rate, 16000), leadMs, clock });
  const out: AudioOut[] = [];
  return { hub, frames, ended, stopEngine, bridge, out, send: (m: AudioOut) => out.push(m) };
}

/** A 440 Hz tone as s16le at `rate`. */
const tone = (rate: number, ms: number) => Int16Array.from({ length: (rate * ms) / 1000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)));

describe('desktop audio over IPC', () => {
  it('accepts the /api/audio input rates only', () => {
    const { bridge, send } = setup();
    expect(bridge.open(WIN, 12345, send)).toMatchObject({ ok: false, error: { code: 'bad_sample_rate' } });
    expect(bridge.open(WIN, '48000', send)).toMatchObject({ ok: false });
    expect(bridge.isOpen(WIN)).toBe(false);
    expect(bridge.open(WIN, 48000, send)).toEqual({ ok: true, engineSampleRate: 16000 });
  });

  it('resamples microphone frames to 16 kHz into the hub under the window’s own source id', () => {
    const { bridge, frames, send } = setup();
    bridge.open(WIN, 48000, send);
    let total = 0;
    for (let i = 0; i < 50; i++) expect(bridge.frame(WIN, tone(48000, 20))).toBeNull(); // 1 s in 20 ms frames
    for (const f of frames) total += f.samples.length;
    expect(new Set(frames.map((f) => f.source))).toEqual(new Set(['desktop:3']));
    expect(Math.abs(total - 16000)).toBeLessThan(100);
    const peak = Math.max(...frames.flatMap((f) => [...f.samples]).map(Math.abs));
    expect(peak).toBeGreaterThan(0.2);
    expect(peak).toBeLessThan(0.3); // 8000/32768 ≈ 0.244, kept through resampling
  });

  it('takes frames as bytes too, and refuses odd bytes, oversized frames and frames before open', () => {
    const { bridge, frames, send } = setup();
    expect(bridge.frame(WIN, new Int16Array(320))).toMatch(/not open/);
    bridge.open(WIN, 16000, send);
    const pcm = tone(16000, 20);
    expect(bridge.frame(WIN, new Uint8Array(pcm.buffer))).toBeNull();
    expect(frames.at(-1)!.samples.length).toBe(320);
    expect(frames.at(-1)!.samples[5]).toBeCloseTo(pcm[5]! / 32768, 6);
    expect(bridge.frame(WIN, new Uint8Array(7))).toMatch(/s16le/);
    expect(bridge.frame(WIN, 'hello')).toMatch(/s16le/);
    expect(bridge.frame(WIN, new Int16Array(16000 * 0.25 + 1))).toMatch(/250 ms/);
    expect(frames.length).toBe(1);
  });

  it('drops frames while muted, stops the engine on stop, and leaves the hub clean on close', () => {
    const { bridge, hub, frames, ended, stopEngine, send } = setup();
    bridge.open(WIN, 16000, send);
    expect(hub.sinkCount).toBe(1);
    bridge.control(WIN, 'mute');
    bridge.frame(WIN, new Int16Array(320));
    expect(frames).toHaveLength(0);
    bridge.control(WIN, 'unmute');
    bridge.frame(WIN, new Int16Array(320));
    expect(frames).toHaveLength(1);
    bridge.control(WIN, 'stop');
    expect(stopEngine).toHaveBeenCalledOnce();
    bridge.close(WIN);
    expect(hub.sinkCount).toBe(0);
    expect(ended).toEqual(['desktop:3']);
    bridge.close(WIN); // twice is harmless
    expect(ended).toHaveLength(1);
  });

  it('plays reply audio to the window in 100 ms chunks, paced by the clock with 100 ms lead', async () => {
    const clock = new ManualClock(0);
    const { bridge, hub, out, send } = setup(100, clock);
    bridge.open(WIN, 16000, send);
    const samples = Float32Array.from({ length: 22050 * 0.6 }, (_, i) => 0.5 * Math.sin(i / 10));
    let finished = false;
    const playing = hub.play({ samples, sampleRate: 22050 }, new AbortController().signal).then(() => (finished = true));
    const chunks = () => out.filter((m): m is Extract<AudioOut, { type: 'chunk' }> => m.type === 'chunk');
    await clock.advance(0);
    expect(out[0]).toEqual({ type: 'start', sampleRate: 22050 });
    // The lead (100 ms) plus the chunk now playing go out at once; each further one when its time comes.
    expect(chunks()).toHaveLength(2);
    for (const [at, sent] of [[99, 2], [100, 3], [200, 4], [300, 5], [400, 6], [499, 6]] as const) {
      await clock.advanceTo(at);
      expect(chunks(), `at ${at} ms`).toHaveLength(sent);
      expect(finished, `at ${at} ms`).toBe(false); // 600 ms of audio less 100 ms of lead is not over yet
    }
    await clock.advanceTo(500);
    expect(finished).toBe(true);
    await playing;
    expect(out.at(-1)).toEqual({ type: 'end', interrupted: false });
    expect(chunks().map((c) => c.pcm.length)).toEqual([2205, 2205, 2205, 2205, 2205, 2205]);
    expect(chunks()[0]!.pcm[10]).toBe(Math.round(0.5 * Math.sin(1) * 32767));
  });

  it('a stop (barge-in) cuts the reply between chunks and says it was interrupted', async () => {
    const clock = new ManualClock(0);
    const { bridge, hub, out, send } = setup(0, clock);
    bridge.open(WIN, 16000, send);
    const controller = new AbortController();
    const playing = hub.play({ samples: new Float32Array(16000 * 3), sampleRate: 16000 }, controller.signal);
    await clock.advance(250); // chunks went out at 0, 100 and 200 ms
    controller.abort();
    await expect(playing).rejects.toThrow();
    expect(out.at(-1)).toEqual({ type: 'end', interrupted: true });
    expect(out.filter((m) => m.type === 'chunk')).toHaveLength(3); // of 30: none after the stop
    await clock.advance(3000);
    expect(out.filter((m) => m.type === 'chunk')).toHaveLength(3);
    expect(clock.pendingCount).toBe(0); // the pacing timer was cancelled, not left to fire
  });

  it('plays a reply that arrives in pieces as one utterance, each piece as it comes, paced over all of them', async () => {
    const clock = new ManualClock(0);
    const { bridge, hub, out, send } = setup(100, clock);
    bridge.open(WIN, 16000, send);
    let release: () => void = () => undefined;
    const pieces = (async function* () {
      yield { samples: new Float32Array(2205), sampleRate: 22050 }; // 100 ms
      await new Promise<void>((resolve) => (release = resolve));
      yield { samples: new Float32Array(22050 * 0.3), sampleRate: 22050 };
    })();
    const playing = hub.play(pieces, new AbortController().signal);
    const chunks = () => out.filter((m) => m.type === 'chunk');
    await clock.advance(0);
    expect(out.map((m) => m.type)).toEqual(['start', 'chunk']); // the first piece, before the rest exists
    release();
    await clock.advance(0);
    expect(chunks()).toHaveLength(2); // 200 ms sent: 100 ms ahead, the lead
    await clock.advanceTo(300);
    await playing;
    expect(chunks()).toHaveLength(4);
    expect(out.filter((m) => m.type === 'start')).toHaveLength(1);
    expect(out.at(-1)).toEqual({ type: 'end', interrupted: false });
  });

  it('after a pause between sentences the lead is still 300 ms: the pause is not sent as a burst', async () => {
    const clock = new ManualClock(0);
    const { bridge, hub, out, send } = setup(300, clock);
    bridge.open(WIN, 16000, send);
    let release: () => void = () => undefined;
    const pieces = (async function* () {
      yield { samples: new Float32Array(8000), sampleRate: 16000 }; // 500 ms
      await new Promise<void>((resolve) => (release = resolve)); // the next sentence takes 2 s to make
      yield { samples: new Float32Array(16000), sampleRate: 16000 }; // 1 s
    })();
    const playing = hub.play(pieces, new AbortController().signal);
    const chunks = () => out.filter((m) => m.type === 'chunk').length;
    await clock.advance(0);
    await clock.advance(2000); // the first sentence has long played: the window is silent, waiting
    expect(chunks()).toBe(5);
    release();
    await clock.advance(0);
    // The window plays the second sentence from now: 400 ms of it go out (300 ms ahead), not all 10 chunks.
    expect(chunks() - 5).toBe(4);
    await clock.advance(1000);
    await playing;
    expect(chunks()).toBe(15);
    expect(out.at(-1)).toEqual({ type: 'end', interrupted: false });
  });

  it('a second open (page reload) replaces the first session', () => {
    const { bridge, hub, ended, send } = setup();
    bridge.open(WIN, 16000, send);
    bridge.open(WIN, 48000, send);
    expect(hub.sinkCount).toBe(1);
    expect(ended).toEqual(['desktop:3']);
  });
});

describe('toInt16', () => {
  it('reads Int16Array, Buffer, Uint8Array (unaligned too) and ArrayBuffer', () => {
    const pcm = Int16Array.from([1, -2, 32767, -32768]);
    const bytes = new Uint8Array(pcm.buffer);
    expect([...toInt16(pcm)!]).toEqual([1, -2, 32767, -32768]);
    expect([...toInt16(Buffer.from(bytes))!]).toEqual([1, -2, 32767, -32768]);
    const unaligned = new Uint8Array(9);
    unaligned.set(bytes, 1);
    expect([...toInt16(unaligned.subarray(1))!]).toEqual([1, -2, 32767, -32768]);
    expect([...toInt16(pcm.buffer)!]).toEqual([1, -2, 32767, -32768]);
    expect(toInt16(null)).toBeNull();
    expect(toInt16([1, 2])).toBeNull();
  });
});
