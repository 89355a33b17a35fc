import { describe, expect, it } from 'vitest';
import type { Pcm, Stt, SttStream, Transcript } from '../../stages.ts';
import { filtered, FilteredStt } from './filtered-stt.ts';
import { normalize } from './hallucination-filter.ts';
import { STT_ENGINES } from './index.ts';
import type { PhantomLists } from './phantom-phrases.ts';

const lists: PhantomLists = new Map([
  ['en', { phrases: ['thank you for watching'].map(normalize), markers: ['amara org'] }],
  ['ru', { phrases: ['спасибо за просмотр'].map(normalize), markers: ['субтитры сделал'] }],
]);

/** A recognizer that answers from a script and records what it was asked (the wrapper is under test). */
class Scripted implements Stt {
  readonly name = 'scripted';
  readonly model = 'scripted-model';
  calls = 0;
  disposed = false;
  constructor(private readonly answer: Transcript) {}
  async transcribe(): Promise<Transcript> {
    this.calls += 1;
    return this.answer;
  }
  dispose(): void {
    this.disposed = true;
  }
}

const RATE = 16000;
const tone = (seconds: number, amp = 0.3): Float32Array => Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amp * Math.sin(i / 5));
/** Half a second of quiet, `seconds` of tone, half a second of quiet. */
const utterance = (seconds: number): Pcm => {
  const samples = new Float32Array(RATE + Math.round(seconds * RATE));
  samples.set(tone(seconds), RATE / 2);
  return { samples, sampleRate: RATE };
};

describe('FilteredStt', () => {
  it('does not decode silence or a too-short sound', async () => {
    const inner = new Scripted({ text: 'Thank you.', language: 'en' });
    const stt = new FilteredStt(inner, { lists });
    expect(await stt.transcribe({ samples: new Float32Array(RATE * 2), sampleRate: RATE }, { language: 'en' })).toEqual({ text: '', language: 'en' });
    expect(await stt.transcribe(utterance(0.15), { language: 'en' })).toEqual({ text: '', language: 'en' });
    expect(inner.calls).toBe(0);
    expect(await stt.transcribe(utterance(0.6), { language: 'en' })).toEqual({ text: 'Thank you.', language: 'en' });
    expect(inner.calls).toBe(1);
  });

  it("removes phantoms in the heard language, the asked one and English", async () => {
    const ru = new FilteredStt(new Scripted({ text: 'Включи свет. Субтитры сделал DimaTorzok', language: 'ru' }), { lists });
    expect((await ru.transcribe(utterance(1), { language: 'ru' })).text).toBe('Включи свет.');
    const fallback = new FilteredStt(new Scripted({ text: 'Thank you for watching!', language: 'en' }), { lists });
    expect(await fallback.transcribe(utterance(1), { language: 'ru' })).toEqual({ text: '', language: 'en' });
    const loop = new FilteredStt(new Scripted({ text: 'you you you you you you', language: 'en' }), { lists });
    expect((await loop.transcribe(utterance(1), { language: 'en' })).text).toBe('');
  });

  it('cleans the final text of streams, passes partials, and forwards name, model and dispose', async () => {
    const inner = new Scripted({ text: '', language: 'en' }) as Scripted & { createStream: (o: { language: string }) => SttStream };
    inner.createStream = () => ({ accept: async () => 'thank you', finish: async () => 'Thank you for watching.' });
    const stt = new FilteredStt(inner, { lists });
    const stream = stt.createStream!({ language: 'en' });
    expect(await stream.accept(new Float32Array(10))).toBe('thank you');
    expect(await stream.finish()).toBe('');
    expect([stt.name, stt.model]).toEqual(['scripted', 'scripted-model']);
    stt.dispose();
    expect(inner.disposed).toBe(true);
    expect(new FilteredStt(new Scripted({ text: '', language: 'en' }), { lists }).createStream).toBeUndefined();
  });

  it('checks the abort signal before anything else', async () => {
    const stt = new FilteredStt(new Scripted({ text: 'x', language: 'en' }), { lists });
    await expect(stt.transcribe(utterance(1), { language: 'en', signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
  });

  it('wraps every registered engine, loading the lists before the model', async () => {
    expect(Object.keys(STT_ENGINES).sort()).toEqual(['onnx-whisper', 'sherpa-offline-stt', 'sherpa-online-stt']);
    let modelLoaded = false;
    const failing = filtered(
      async () => {
        modelLoaded = true;
        return new Scripted({ text: '', language: 'en' });
      },
      async () => {
        throw new Error('locale files missing');
      },
    );
    await expect(failing({} as never, {} as never)).rejects.toThrow('locale files missing');
    expect(modelLoaded).toBe(false);
    const ok = await filtered(async () => new Scripted({ text: 'hi', language: 'en' }), async () => lists)({} as never, {} as never);
    expect(ok).toBeInstanceOf(FilteredStt);
  });
});
