import { describe, expect, it } from 'vitest';
import type { Status } from '../../../../main/contract/api.ts';
import { listeningLabel, voiceOf } from '../status/true-status.ts';
import { capabilities } from './capabilities.ts';

/** A fresh install: no models, the configured Kokoro voice falls back to the system voice, no LLM. */
const fresh: Status = {
  state: 'IDLE',
  language: 'en',
  tts_provider: 'system',
  tts_configured: 'kokoro',
  household_open: true,
  hands_free_active: false,
  is_speaking: false,
  is_processing: false,
  is_running: true,
  uptime_seconds: 3,
  active_speaker: null,
  active_soul: 'default',
  homeassistant_connected: false,
  listening: false,
  web_audio_clients: 0,
  missing: [
    "vad: No vad model for 'en' is installed in /m; run: kiwi models download silero-vad",
    "stt: No stt model for 'en' is installed in /m; run: kiwi models download stt-parakeet-tdt-0.6b-v2-en",
    "speaker: No speaker model for 'en' is installed in /m; run: kiwi models download speaker-nemo-titanet-small",
    "llm: llm.provider is 'none': only built-in commands and Home Assistant answer",
  ],
  rebuilding: [],
  wake_word_engine: 'text',
  fallbacks: [
    { stage: 'wake', configured: 'kws', used: 'text', reason: 'No wake model…' },
    { stage: 'tts', configured: 'kokoro', used: 'system', reason: 'No tts model…' },
  ],
};
const opts = { wakeWord: 'kiwi', llmModel: '' };

describe('what Kiwi can do, said plainly', () => {
  it('a fresh install: one line per capability, none naming a model id', () => {
    const lines = capabilities(fresh, opts);
    expect(lines.map((l) => [l.id, l.ok])).toEqual([
      ['hear', false],
      ['wake', false],
      ['understand', false],
      ['recognise', false],
      ['speak', false],
      ['answer', false],
    ]);
    expect(lines[0]!.text).toBe("Kiwi can't hear you yet: no speech detector.");
    expect(lines[4]!.text).toBe('Kiwi speaks with the system voice for now: the Kokoro voice is not installed.');
    for (const line of lines) expect(line.text).not.toMatch(/silero|parakeet|titanet|kokoro-|models download/i);
  });

  it('everything installed and an LLM chosen: every line is a yes', () => {
    const ready: Status = { ...fresh, missing: [], fallbacks: [], wake_word_engine: 'kws', tts_provider: 'kokoro', listening: true };
    const lines = capabilities(ready, { wakeWord: 'kiwi', llmModel: 'llama3.2:latest' });
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(lines.find((l) => l.id === 'answer')!.text).toBe('Kiwi answers questions with llama3.2:latest.');
    expect(lines.find((l) => l.id === 'wake')!.text).toBe('Kiwi wakes up when you say “kiwi”.');
  });

  it('a model chosen but not installed yet: the part still works, and the line says it switches (or why not)', () => {
    const ready: Status = { ...fresh, missing: [], fallbacks: [], wake_word_engine: 'kws', tts_provider: 'kokoro', listening: true };
    const pending = (stage: string, how: string) => ({ stage, configured: 'x-model', used: 'old-model', reason: `'x-model' is not installed yet (${how}); the current model runs until it is` });
    const switching: Status = { ...ready, fallbacks: [pending('stt', 'downloading'), pending('wake', 'its download failed; install it: kiwi models download x-model')] };
    const lines = capabilities(switching, opts);
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(lines.find((l) => l.id === 'understand')!.text).toBe('Kiwi understands what you say. It switches to the model you chose once that is downloaded.');
    // Not "can't spot the wake word by sound": the old wake model still spots it.
    expect(lines.find((l) => l.id === 'wake')!.text).toBe('Kiwi wakes up when you say “kiwi”. The model you chose could not be downloaded (see Models); the current one keeps working.');
  });

  it("names the voice within a model of several, and says why when it is not tts_voice's", () => {
    const kokoro: Status = { ...fresh, missing: [], fallbacks: [], tts_provider: 'kokoro' };
    const speak = (voice: Status['voice']) => capabilities({ ...kokoro, voice }, opts).find((l) => l.id === 'speak')!;
    expect(speak(null).text).toBe('Kiwi speaks with Kokoro.');
    expect(speak({ voices: ['af_heart', 'ef_dora'], speaking: 'af_heart', note: null }).text).toBe('Kiwi speaks with Kokoro (voice af_heart).');
    const other = speak({ voices: ['af_heart', 'ef_dora'], speaking: 'ef_dora', note: "voice 'af_heart' does not speak es; using ef_dora" });
    expect(other).toEqual({ id: 'speak', ok: true, text: "Kiwi speaks with Kokoro (voice 'af_heart' does not speak es; using ef_dora)." });
  });

  it('says when souls.default cannot be the default soul, and only then', () => {
    const gone = { stage: 'soul', configured: 'con', used: 'default', reason: "souls.default is 'con', but there is no soul 'con' (was its file removed?); Kiwi uses the built-in default soul" };
    const lines = capabilities({ ...fresh, fallbacks: [gone] }, opts);
    expect(lines.at(-1)).toEqual({ id: 'soul', ok: false, text: "Kiwi starts as its built-in default soul, not “con”: souls.default is 'con', but there is no soul 'con' (was its file removed?)." });
    expect(capabilities({ ...fresh, fallbacks: [] }, opts).some((l) => l.id === 'soul')).toBe(false);
  });

  it('a part being rebuilt after its download is getting ready, not missing for good', () => {
    const lines = capabilities({ ...fresh, missing: ['vad: rebuilding (a model was installed)'] }, opts);
    expect(lines[0]).toEqual({ id: 'hear', ok: false, text: "Kiwi can't hear you yet: no speech detector — getting ready…" });
  });
});

describe('the true status', () => {
  it('the voice that speaks beside the configured one; listening off says what is missing', () => {
    expect(voiceOf(fresh)).toEqual({ speaking: 'system', configured: 'kokoro' });
    expect(listeningLabel(fresh)).toBe('off (no speech detector yet)');
    const noStt = { ...fresh, missing: ["stt: No stt model for 'en' is installed"] };
    expect(listeningLabel(noStt)).toBe('off (no speech recognition yet)');
    expect(listeningLabel({ ...fresh, missing: [] })).toBe('off');
    expect(listeningLabel({ ...fresh, missing: [], listening: true })).toBe('on');
  });
});
