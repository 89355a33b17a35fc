import type { Status } from '../../../../main/contract/api.ts';
import { missingReason, voiceOf } from '../status/true-status.ts';

/** One thing Kiwi can or cannot do yet, said plainly (no model ids). */
export interface Capability {
  id: 'hear' | 'wake' | 'understand' | 'recognise' | 'speak' | 'answer' | 'soul';
  ok: boolean;
  text: string;
}

const VOICE_NAMES: Record<string, string> = { kokoro: 'Kokoro', piper: 'Piper', matcha: 'Matcha', kitten: 'Kitten', system: 'the system voice' };
const voiceName = (id: string) => VOICE_NAMES[id] ?? id;

/** Which of the model's voices speaks, and why when it is not the one set (tts_voice). */
const withinModel = ({ voice }: Status) => (voice ? ` (${voice.note ?? `voice ${voice.speaking}`})` : '');

/** The engine's reason without its own conclusion (the line says which soul Kiwi uses). */
const soulWhy = (reason: string) => reason.replace(/;.*$/, '.');

/** A part being rebuilt after a download or a config change is on its way, not missing. */
const rebuilding = (reason: string | null) => reason !== null && reason.startsWith('rebuilding');

/** The model chosen for a part is not installed yet: downloading, or its download failed (the status reason says which). */
const waitingFor = (reason: string) =>
  /download failed|cannot be downloaded/.test(reason)
    ? 'The model you chose could not be downloaded (see Models); the current one keeps working.'
    : /downloading/.test(reason)
      ? 'It switches to the model you chose once that is downloaded.'
      : 'The model you chose is not installed (see Models); the current one keeps working.';

/**
 * What Kiwi can and cannot do, one line per capability, from the true status: the parts that
 * are missing or on a fallback, and whether an LLM answers.
 */
export function capabilities(status: Status, opts: { wakeWord: string; llmModel: string }): Capability[] {
  const line = (id: Capability['id'], part: string, ok: string, notYet: string): Capability => {
    const reason = missingReason(status, part);
    // A model chosen but not installed yet: the part keeps its current model meanwhile (status `fallbacks`).
    const switching = status.fallbacks.find((f) => f.stage === part && f.used !== 'text' && f.used !== 'system');
    if (reason === null && switching) return { id, ok: true, text: `${ok} ${waitingFor(switching.reason)}` };
    if (reason === null) return { id, ok: true, text: ok };
    return { id, ok: false, text: rebuilding(reason) ? `${notYet.replace(/\.$/, '')} — getting ready…` : notYet };
  };
  const wake = status.fallbacks.find((f) => f.stage === 'wake' && f.used === 'text');
  const soul = status.fallbacks.find((f) => f.stage === 'soul');
  const { speaking, configured } = voiceOf(status);
  const word = opts.wakeWord || 'kiwi';
  return [
    line('hear', 'vad', 'Kiwi hears when someone speaks.', "Kiwi can't hear you yet: no speech detector."),
    wake
      ? { id: 'wake', ok: false, text: `Kiwi can't spot “${word}” by sound yet: no wake-word detector (it looks for the word in what it transcribes).` }
      : status.wake_word_engine === 'text'
        ? { id: 'wake', ok: true, text: `Kiwi looks for “${word}” in what it transcribes.` }
        : line('wake', 'wake', `Kiwi wakes up when you say “${word}”.`, `Kiwi can't spot “${word}” yet: no wake-word detector.`),
    line('understand', 'stt', 'Kiwi understands what you say.', "Kiwi can't understand speech yet: no speech recogniser."),
    line('recognise', 'speaker', 'Kiwi can tell who is speaking.', "Kiwi can't tell voices apart yet: no speaker recogniser."),
    missingReason(status, 'tts') !== null
      ? { id: 'speak', ok: false, text: "Kiwi can't speak: no voice." }
      : speaking !== configured
        ? { id: 'speak', ok: false, text: `Kiwi speaks with ${voiceName(speaking)} for now: the ${voiceName(configured)} voice is not installed.` }
        : { id: 'speak', ok: true, text: `Kiwi speaks with ${voiceName(speaking)}${withinModel(status)}.` },
    missingReason(status, 'llm') !== null
      ? { id: 'answer', ok: false, text: 'Kiwi answers only its built-in commands (time, timers, souls…): no language model (LLM) is chosen.' }
      : { id: 'answer', ok: true, text: `Kiwi answers questions with ${opts.llmModel || 'its language model'}.` },
    // Only when souls.default cannot be the default (its file was removed, or it is 18+ and those are off).
    ...(soul ? [{ id: 'soul' as const, ok: false, text: `Kiwi starts as its built-in ${soul.used} soul, not “${soul.configured}”: ${soulWhy(soul.reason)}` }] : []),
  ];
}
