import { afterAll, beforeAll, expect, it } from 'vitest';
import { Speaker } from '../contract/api.ts';
import { encodeWav } from '../engine/audio/wav.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';

// The done criterion of memory per person, end to end from audio: two voices enrolled through
// the API (real GE2E voice prints), spoken commands through the real voice loop (VAD, Whisper,
// text wake word, identification), and the LLM stand-in's received prompts. The facts are ones
// Whisper tiny.en transcribes reliably from these espeak-ng voices.
const ENROL = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Please remind me to call my sister tomorrow morning at nine.',
  'I would like a cup of tea and some biscuits this afternoon.',
];
const VOICES = { anna: 'en-us', ben: 'en-us+f3' };
const clip = (text: string, voice: string) =>
  encodeWav({ samples: concat(silence(0.5), speak(text, voice), silence(0.5)), sampleRate: 16000 }).toString('base64');

type Sent = { messages: Array<{ role: string; content: string }> };

describeWithModels('memory per person from spoken turns (real models, LLM stand-in)', (modelsDir) => {
  let k: TestKiwi;
  let llm: LlmStandin;
  const ids: Record<keyof typeof VOICES, string> = { anna: '', ben: '' };

  /** Speak utterances (each "Kiwi, …") in one voice into the running engine; returns what Kiwi did with each. */
  const talk = async (who: keyof typeof VOICES, ...lines: string[]) => {
    const { engine } = k.kiwi.runtime;
    const results: TurnResult[] = [];
    const off = engine.onResult((r) => results.push(r));
    try {
      const source = `test:${who}`;
      const session = engine.listen(source, { awaitTurns: true });
      const audio = concat(silence(0.8), ...lines.flatMap((line) => [speak(line, VOICES[who]), silence(1.5)]));
      for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
      await engine.endSource(source);
    } finally {
      off();
    }
    return results.filter((r) => r.transcript);
  };

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    llm = await LlmStandin.start('openai');
    k = await startTestKiwi({
      env: { KIWI_MODELS_DIR: modelsDir },
      config: { wake_word_engine: 'text', voice: { speaker_threshold: 0.8 }, llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' } },
    });
    for (const [who, priority] of [['anna', 'owner'], ['ben', 'friend']] as const) {
      const res = await k.request('POST', '/api/speakers', { body: { name: who === 'anna' ? 'Anna' : 'Ben', priority, audio: ENROL.map((t) => clip(t, VOICES[who])) } });
      expect(res.status, res.text).toBe(201);
      ids[who] = Speaker.parse(res.json).id;
    }
  }, 180_000);
  afterAll(async () => {
    await k?.cleanup();
    await llm?.close();
  });

  it('two enrolled voices: each one\u2019s remembered fact reaches only their own LLM prompts', async () => {
    const anna = await talk('anna', 'Kiwi, remember that my sister is called Clara.');
    const ben = await talk('ben', 'Kiwi, remember that my favourite colour is blue.');
    expect(anna.map((r) => [r.speaker?.id, r.command]), JSON.stringify(anna)).toEqual([[ids.anna, 'memory_remember']]);
    expect(ben.map((r) => [r.speaker?.id, r.command]), JSON.stringify(ben)).toEqual([[ids.ben, 'memory_remember']]);
    const { store } = k.kiwi.runtime;
    const annaFacts = store.memory.facts(ids.anna).map((f) => f.text);
    const benFacts = store.memory.facts(ids.ben).map((f) => f.text);
    expect(annaFacts.join(' ')).toMatch(/sister/i);
    expect(benFacts.join(' ')).toMatch(/colou?r/i);

    llm.reply({ kind: 'stream', tokens: ['Try a lentil curry.'] }, { kind: 'stream', tokens: ['Practise your scales.'] });
    const before = llm.requests.length;
    const asked = [...(await talk('anna', 'Kiwi, what should I cook tonight?')), ...(await talk('ben', 'Kiwi, what should I practise today?'))];
    expect(asked.map((r) => [r.speaker?.id, r.command]), JSON.stringify(asked)).toEqual([
      [ids.anna, 'llm'],
      [ids.ben, 'llm'],
    ]);
    const [toAnna, toBen] = llm.requests.slice(before).map((r) => r.body as Sent);
    const system = (sent: Sent | undefined) => sent!.messages[0]!.content;
    for (const fact of annaFacts) expect(system(toAnna)).toContain(`- ${fact}`);
    for (const fact of benFacts) expect(system(toBen)).toContain(`- ${fact}`);
    for (const fact of benFacts) expect(JSON.stringify(toAnna)).not.toContain(fact);
    expect(JSON.stringify(toAnna)).not.toMatch(/colou?r/i);
    for (const fact of annaFacts) expect(JSON.stringify(toBen)).not.toContain(fact);
    expect(JSON.stringify(toBen)).not.toMatch(/sister|lentil|cook/i);
  }, 300_000);
});
