import { describe, expect, it } from 'vitest';
import type { Pcm, TtsOptions } from '../stages.ts';
import { speakSentences } from './sentence-speaker.ts';

const voice = { voice: 'default', speed: 1, language: 'en' };

describe('speaking sentences as they come', () => {
  it('plays a streaming voice from its first piece, while the rest of the sentence is synthesised', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const tts = {
      synthesize: (): Promise<Pcm> => Promise.reject(new Error('a streaming voice is streamed')),
      async *stream(text: string, _options: TtsOptions): AsyncGenerator<Pcm> {
        events.push(`synthesise "${text}"`);
        yield { samples: new Float32Array(100), sampleRate: 22050 };
        await new Promise<void>((resolve) => (release = resolve));
        events.push(`rest of "${text}"`);
        yield { samples: new Float32Array(200), sampleRate: 22050 };
      },
    };
    const play = async (audio: Pcm | AsyncIterable<Pcm>) => {
      if ('samples' in audio) throw new Error('expected pieces');
      for await (const piece of audio) {
        events.push(`play ${piece.samples.length}`);
        if (piece.samples.length === 100) release();
      }
    };
    const spoken = await speakSentences(['Penguins live in the south.', 'They swim.'], tts, voice, play, new AbortController().signal, () => events.push('first audio'));
    expect(events).toEqual([
      'synthesise "Penguins live in the south."',
      'first audio',
      'play 100',
      'rest of "Penguins live in the south."',
      'play 200',
      'synthesise "They swim."', // the next sentence is synthesised once this one is
      'play 100',
      'rest of "They swim."',
      'play 200',
    ]);
    expect(spoken.text).toBe('Penguins live in the south. They swim.');
  });
});
