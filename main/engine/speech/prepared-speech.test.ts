import { describe, expect, it } from 'vitest';
import type { Pcm, TtsOptions } from '../stages.ts';
import { PreparedSpeech } from './prepared-speech.ts';

/** A TTS stand-in that records what it was asked and answers with one sample per character. */
function recordingTts(fails: (text: string) => boolean = () => false) {
  const asked: Array<{ text: string; signal?: AbortSignal }> = [];
  return {
    asked,
    synthesize: async (text: string, options: TtsOptions): Promise<Pcm> => {
      asked.push({ text, signal: options.signal });
      await Promise.resolve();
      options.signal?.throwIfAborted();
      if (fails(text)) throw new Error(`cannot say ${text}`);
      return { samples: new Float32Array(text.length), sampleRate: 22050 };
    },
  };
}

const voice = { voice: 'default', speed: 1, language: 'en' };

describe('a reply prepared before the turn asks for it', () => {
  it('is played when the turn says the same words in the same voice: synthesised once', async () => {
    const tts = recordingTts();
    const speech = new PreparedSpeech(tts);
    speech.prepare("It's 11:54 AM.", voice);
    const audio = await speech.synthesize(" It's 11:54 AM. ", voice);
    expect(audio.samples).toHaveLength("It's 11:54 AM.".length);
    expect(tts.asked.map((a) => a.text)).toEqual(["It's 11:54 AM."]);
  });

  it('is used once, and only for its own words and voice', async () => {
    const tts = recordingTts();
    const speech = new PreparedSpeech(tts);
    speech.prepare("It's 11:54 AM.", voice);
    await speech.synthesize("It's 11:55 AM.", voice); // the minute changed
    await speech.synthesize("It's 11:54 AM.", { ...voice, speed: 1.2 }); // another speed
    await speech.synthesize("It's 11:54 AM.", voice); // the prepared audio
    await speech.synthesize("It's 11:54 AM.", voice); // used up: synthesised
    expect(tts.asked.map((a) => `${a.text} ${a.signal ? 'prepared' : 'turn'}`)).toEqual([
      "It's 11:54 AM. prepared",
      "It's 11:55 AM. turn",
      "It's 11:54 AM. turn",
      "It's 11:54 AM. turn",
    ]);
  });

  it('a newer guess replaces the older one, whose synthesis is aborted', async () => {
    const tts = recordingTts();
    const speech = new PreparedSpeech(tts);
    speech.prepare('Today is Friday.', voice);
    speech.prepare("It's 11:54 AM.", voice);
    expect(tts.asked[0]!.signal!.aborted).toBe(true);
    await speech.synthesize("It's 11:54 AM.", voice);
    await speech.synthesize('Today is Friday.', voice);
    expect(tts.asked.map((a) => a.text)).toEqual(['Today is Friday.', "It's 11:54 AM.", 'Today is Friday.']);
  });

  it('a prepared synthesis that failed is only a missed head start: the turn synthesises again', async () => {
    let first = true;
    const tts = recordingTts(() => {
      const fails = first;
      first = false;
      return fails;
    });
    const speech = new PreparedSpeech(tts);
    speech.prepare("It's 11:54 AM.", voice);
    await expect(speech.synthesize("It's 11:54 AM.", voice)).resolves.toMatchObject({ sampleRate: 22050 });
    expect(tts.asked).toHaveLength(2);
  });

  it("stopping the turn stops the prepared synthesis and the turn's call fails as aborted", async () => {
    const tts = recordingTts();
    const speech = new PreparedSpeech(tts);
    speech.prepare("It's 11:54 AM.", voice);
    const turn = new AbortController();
    const playing = speech.synthesize("It's 11:54 AM.", { ...voice, signal: turn.signal });
    turn.abort(new Error('barge-in'));
    await expect(playing).rejects.toThrow();
    expect(tts.asked[0]!.signal!.aborted).toBe(true);
  });

  it('from a streaming voice, the turn gets the pieces already made and then the rest as they come', async () => {
    const made: string[] = [];
    let release: () => void = () => undefined;
    const voiceThatStreams = {
      synthesize: (): Promise<Pcm> => Promise.reject(new Error('a streaming voice is streamed')),
      async *stream(text: string): AsyncGenerator<Pcm> {
        for (const part of text.split(' ')) {
          if (made.length) await new Promise<void>((resolve) => (release = resolve));
          made.push(part);
          yield { samples: new Float32Array(part.length), sampleRate: 22050 };
        }
      },
    };
    const speech = new PreparedSpeech(voiceThatStreams);
    speech.prepare("It's 11:54 AM.", voice);
    await new Promise((resolve) => setImmediate(resolve));
    expect(made).toEqual(["It's"]); // made before the turn asks
    const reader = speech.stream("It's 11:54 AM.", voice);
    expect((await reader.next()).value?.samples).toHaveLength(4);
    const second = reader.next();
    release();
    expect((await second).value?.samples).toHaveLength(5);
    release();
    expect((await reader.next()).value?.samples).toHaveLength(3);
    expect((await reader.next()).done).toBe(true);
    expect(made).toEqual(["It's", '11:54', 'AM.']); // synthesised once
  });
});
