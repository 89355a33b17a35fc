import { describe, expect, it } from 'vitest';
import type { Pcm } from '../stages.ts';
import { AudioHub } from './audio-hub.ts';

const piece = (length: number, value: number): Pcm => ({ samples: new Float32Array(length).fill(value), sampleRate: 22050 });
const never = () => new AbortController().signal;

/** Pieces made one at a time: the next only once the test lets it. */
function pieces(...made: Pcm[]) {
  let release: () => void = () => undefined;
  const next = () => new Promise<void>((resolve) => (release = resolve));
  async function* source(): AsyncGenerator<Pcm> {
    for (const p of made) {
      await next();
      yield p;
    }
  }
  return { source: source(), release: () => release() };
}

describe('the audio hub playing audio that arrives in pieces', () => {
  it('hands each piece to a streaming sink as it comes, the whole to a sink that does not stream and to the taps', async () => {
    const hub = new AudioHub();
    const streamed: number[][] = [];
    const whole: number[] = [];
    const tapped: number[] = [];
    let gotFirst: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (gotFirst = resolve));
    hub.addSink({
      id: 'socket',
      play: () => Promise.reject(new Error('a streaming sink is given the pieces')),
      playStream: async (audio) => {
        for await (const p of audio) {
          streamed.push([p.samples.length, p.sampleRate]);
          gotFirst();
        }
      },
    });
    hub.addSink({ id: 'file', play: async (audio) => void whole.push(audio.samples.length) });
    hub.onPlay((audio) => tapped.push(audio.samples.length));
    const { source, release } = pieces(piece(100, 0.1), piece(300, 0.2));
    const playing = hub.play(source, never());
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await first;
    // The first piece is out; the second is not made yet, so nobody has the whole.
    expect({ streamed, whole, tapped }).toEqual({ streamed: [[100, 22050]], whole: [], tapped: [] });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await playing;
    expect({ streamed, whole, tapped }).toEqual({ streamed: [[100, 22050], [300, 22050]], whole: [400], tapped: [400] });
  });

  it('the taps hear a streamed utterance once the voice has made it, while it still plays, and after a stop cuts it short', async () => {
    const hub = new AudioHub();
    const tapped: number[] = [];
    hub.onPlay((audio) => tapped.push(audio.samples.length));
    let playing: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (playing = resolve));
    hub.addSink({
      id: 'speaker',
      play: () => Promise.reject(new Error('a streaming sink is given the pieces')),
      // Plays in real time: still playing long after the voice made every piece; a stop ends it.
      playStream: async (audio, signal) => {
        for await (const p of audio) void p;
        playing();
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
      },
    });
    const stop = new AbortController();
    const played = hub.play(
      (async function* () {
        yield piece(100, 0.1);
        yield piece(300, 0.2);
      })(),
      stop.signal,
    );
    await started;
    await new Promise((resolve) => setImmediate(resolve));
    expect(tapped).toEqual([400]);
    stop.abort(new Error('barge-in'));
    await expect(played).rejects.toThrow('barge-in');
    expect(tapped).toEqual([400]);
  });

  it('a voice failing mid-utterance fails the play, even with no sink to hear it', async () => {
    const hub = new AudioHub();
    const failing = (async function* () {
      yield piece(10, 0.1);
      throw new Error('voice failed');
    })();
    await expect(hub.play(failing, never())).rejects.toThrow('voice failed');
  });
});
