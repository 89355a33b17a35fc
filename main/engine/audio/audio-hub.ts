import { BufferedChunks } from '../speech/buffered-chunks.ts';
import type { Pcm } from '../stages.ts';
import { joinPcm } from './pcm.ts';

/** Where reply audio goes: a browser on /api/audio, the desktop window, the system speaker, a file. */
export interface AudioSink {
  readonly id: string;
  /** Play one utterance; resolves when it has been handed over completely, or rejects on abort. */
  play(audio: Pcm, signal: AbortSignal): Promise<void>;
  /** Play one utterance that arrives in pieces (one sample rate), each as soon as it comes; a sink without it gets the whole utterance. */
  playStream?(audio: AsyncIterable<Pcm>, signal: AbortSignal): Promise<void>;
}

/** 16 kHz mono float frames from one input (a socket, the renderer's microphone, a file). */
export type FrameListener = (sourceId: string, samples: Float32Array) => void;

/**
 * The meeting point of audio sources, the listening pipeline and reply sinks. Sources push
 * frames already resampled to 16 kHz; the pipeline subscribes; sinks receive reply audio.
 */
export class AudioHub {
  readonly #sinks = new Map<string, AudioSink>();
  readonly #listeners = new Set<FrameListener>();
  readonly #endListeners = new Set<(sourceId: string) => void>();
  readonly #playTaps = new Set<(audio: Pcm) => void>();
  #framesIn = 0;

  addSink(sink: AudioSink): () => void {
    this.#sinks.set(sink.id, sink);
    return () => this.#sinks.delete(sink.id);
  }

  get sinkCount(): number {
    return this.#sinks.size;
  }

  get framesIn(): number {
    return this.#framesIn;
  }

  pushFrame(sourceId: string, samples: Float32Array): void {
    this.#framesIn++;
    for (const listener of this.#listeners) listener(sourceId, samples);
  }

  onFrame(listener: FrameListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** An input went away (socket closed, file ended): its listening state can be dropped. */
  endSource(sourceId: string): void {
    for (const listener of this.#endListeners) listener(sourceId);
  }

  onSourceEnd(listener: (sourceId: string) => void): () => void {
    this.#endListeners.add(listener);
    return () => this.#endListeners.delete(listener);
  }

  /**
   * Observe every utterance Kiwi plays (the self-voice filter learns Kiwi's voice from it). A tap
   * is not a sink: it is called synchronously, cannot delay playback and cannot mask a failing sink.
   */
  onPlay(tap: (audio: Pcm) => void): () => void {
    this.#playTaps.add(tap);
    return () => this.#playTaps.delete(tap);
  }

  /**
   * Play to every sink at once; one failing sink does not silence the others. Audio in pieces
   * goes piece by piece to the sinks that stream and whole to the others and the taps.
   */
  async play(audio: Pcm | AsyncIterable<Pcm>, signal: AbortSignal): Promise<void> {
    const sinks = [...this.#sinks.values()];
    let results: Array<PromiseSettledResult<void>>;
    if ('samples' in audio) {
      for (const tap of this.#playTaps) tap(audio);
      results = await Promise.allSettled(sinks.map((sink) => sink.play(audio, signal)));
    } else {
      const pieces = new BufferedChunks(audio);
      const whole = pieces.all().then(joinPcm);
      // The taps hear it once the voice has made it (faster than it plays), even if a stop cuts the playback short.
      const tapped = whole.then((played) => {
        for (const tap of this.#playTaps) tap(played);
      });
      tapped.catch(() => undefined); // awaited below, after the sinks
      const playWhole = async (sink: AudioSink) => {
        const audio = await whole;
        signal.throwIfAborted(); // stopped while the voice was still making it
        return sink.play(audio, signal);
      };
      results = await Promise.allSettled(sinks.map((sink) => (sink.playStream ? sink.playStream(pieces.read(), signal) : playWhole(sink))));
      await tapped; // a synthesis that failed fails the utterance, even with no sink
    }
    signal.throwIfAborted();
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0 && failed.length === results.length) throw failed[0]!.reason;
  }
}
