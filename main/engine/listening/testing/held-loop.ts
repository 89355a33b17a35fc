import { DEFAULT_CONFIG, type Config } from '../../../contract/config.ts';
import { systemClock } from '../../../platform/clock.ts';
import type { Stt, Transcript } from '../../stages.ts';
import type { TurnResult } from '../turn.ts';
import { VoiceLoop } from '../voice-loop.ts';
import { testLoopHost } from './loop-host.ts';

/** A recognizer the test releases by hand: each transcription waits until `release()`. */
export class HeldStt implements Stt {
  readonly name = 'held';
  readonly model = 'held';
  readonly waiting: Array<() => void> = [];
  transcribe(): Promise<Transcript> {
    return new Promise((resolve) => this.waiting.push(() => resolve({ text: 'kiwi what time is it', language: 'en' })));
  }
  /** Lets the oldest waiting transcription finish, then lets the loop run on. */
  async release(): Promise<void> {
    this.waiting.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  }
  dispose = () => undefined;
}

/**
 * A voice loop on stand-ins, for tests of its queueing and sources: a loudness VAD, the held
 * recognizer, every transcript taken as a command (the real stages are tested on real models in
 * voice-loop.models.test.ts). `answered` lists the sources whose commands got a reply.
 */
export function heldVoiceLoop() {
  // No early transcripts (speculative_ms 0): the held recognizer's queue counts whole utterances only.
  const config: Config = { ...DEFAULT_CONFIG, wake_word_engine: 'text', voice: { ...DEFAULT_CONFIG.voice, min_silence_ms: 100, speculative_ms: 0 } };
  const stt = new HeldStt();
  const answered: string[] = [];
  const results: TurnResult[] = [];
  const loop = new VoiceLoop(testLoopHost(config, systemClock, {
    stt,
    matchWake: (text) => ({ matched: true, command: text }),
    respond: async (command, heard) => {
      answered.push(heard.sourceId);
      return { command, reply: 'ok', firstAudioMs: null };
    },
    result: (r) => results.push(r),
  }));
  /** One utterance: 0.5 s of speech, then 0.5 s of silence (which ends it), in 100 ms frames. */
  const utterance = async (sourceId: string) => {
    const session = loop.session(sourceId);
    for (let i = 0; i < 10; i++) await session.push(new Float32Array(1600).fill(i < 5 ? 0.5 : 0));
  };
  return { loop, stt, answered, results, utterance };
}
