import path from 'node:path';
import { DEFAULT_CONFIG } from '../main/contract/config.ts';
import { concat, silence, speak } from '../main/engine/models/testing/speech.ts';
import { wordErrors } from '../main/engine/models/testing/word-error.ts';
import type { ExpectedOpening } from '../main/engine/stages.ts';
import { RATE, WhisperDecoder } from '../main/engine/stages/stt/whisper-decoder.ts';
import { tokenBudget } from '../main/engine/stages/stt/whisper-greedy.ts';
import { confirmWakeWord, wakeOpening } from '../main/engine/stages/wake/confirm.ts';
import { fixturesDir } from './voice-bench.ts';

/**
 * How the length of Whisper tiny.en's window changes what it hears in a short spoken command
 * (`stt_full_window`): the command on its own frames (at least 5 s, `stt_full_window: false`,
 * the default), a 10 s window, and padded to Whisper's 30 s (`stt_full_window: true`). Each clip is
 * cut as the listening session cuts an utterance: the pre-roll (voice.preroll_ms) of silence
 * before the voice and ~0.3 s after it (the VAD holds a stretch that long after the voice stops).
 */

/** What a user says to Kiwi after "Kiwi, ": built-in commands (stop, time, timers) and LLM questions. */
export const COMMANDS = [
  'what time is it?',
  'stop.',
  'who is speaking?',
  'turn on the kitchen lights.',
  'set a timer for five minutes.',
  'play some jazz.',
  'what is the date today?',
  'what will the weather be like tomorrow?',
  'remind me to call my sister at six.',
  'turn off the lights in the bedroom.',
  'tell me a joke.',
  'how much time is left on my timer?',
  'cancel the timer.',
  'start a new conversation.',
  'who am I?',
  'be quiet.',
  'tell me a story.',
  'what is the capital of Australia?',
  'remember that my car is parked on level three.',
  'how do I make pancakes?',
];

/** espeak-ng voices, and why each: two plain accents and two that tiny.en finds harder. */
export const VOICES: Record<string, string> = {
  'en-us': 'American, the accent Whisper hears best: the baseline',
  'en-gb+f3': 'British with the f3 variant: a higher, female-like voice',
  'en-gb-scotland': 'Scottish: a regional accent (it moved a word in the voice-loop model tests)',
  'en-029': 'Caribbean: the accent of the earlier "Keep We Stop" for "Kiwi, stop."',
};

const MODEL = 'stt-substitute-whisper-tiny-en';
const WAKE_WORD = DEFAULT_CONFIG.wake_word;
const BEFORE_S = DEFAULT_CONFIG.voice.preroll_ms / 1000;
const AFTER_S = 0.3;
/**
 * The decoder takes no window length: with `stt_full_window: false` it encodes max(5 s, the
 * samples + its 0.3 s tail), up to 10 s (beyond, 30 s). A clip lengthened with digital silence to
 * 9.7 s is therefore encoded on exactly 10 s, the same encoder input as a 10 s window (the decoder
 * pads with zeros too). What differs: its token budget follows the longer audio (tokenBudget), so
 * the bench counts the transcripts that outgrew the budget the clip itself would have had.
 */
const TEN_S_SAMPLES = Math.round(9.7 * RATE);

interface Window {
  name: string;
  padded: boolean;
  /** Silence appended to reach this many samples (0: the clip as cut). */
  lengthenTo: number;
}

const WINDOWS: Window[] = [
  { name: 'own length, at least 5 s (stt_full_window: false, the default)', padded: false, lengthenTo: 0 },
  { name: '10 s (stt_full_window: false, clip lengthened to 9.7 s with silence)', padded: false, lengthenTo: TEN_S_SAMPLES },
  { name: 'padded to 30 s (stt_full_window: true)', padded: true, lengthenTo: 0 },
];

interface Clip {
  voice: string;
  said: string;
  /** The words after the wake word. */
  command: string;
  samples: Float32Array;
}

/** Totals of one window in one decoding mode. */
class Tally {
  all = { errors: 0, words: 0 };
  afterWake = { errors: 0, words: 0 };
  wakeFound = 0;
  clips = 0;
  busyMs = 0;
  overOwnBudget = 0;
  misheard: string[] = [];

  add(clip: Clip, heard: string, ms: number, overOwnBudget: boolean): void {
    const all = wordErrors(clip.said, heard, 'en');
    // The confirmation the two-stage wake runs: it accepts sound-alikes ("Keyweek", "KV") and
    // returns the words after the wake word; a transcript it rejects is scored whole.
    const wake = confirmWakeWord(heard, WAKE_WORD, 'en');
    const rest = wordErrors(clip.command, wake.matched ? wake.command : heard, 'en');
    this.all.errors += all.errors;
    this.all.words += all.words;
    this.afterWake.errors += rest.errors;
    this.afterWake.words += rest.words;
    this.wakeFound += wake.matched ? 1 : 0;
    this.clips += 1;
    this.busyMs += ms;
    this.overOwnBudget += overOwnBudget ? 1 : 0;
    if (all.errors > 0 || !wake.matched) this.misheard.push(`${clip.voice}: "${clip.said}" → "${heard}"${wake.matched ? '' : ' (no wake word)'}`);
  }

  result(window: Window) {
    const rate = (t: { errors: number; words: number }) => ({ word_error_rate: round(t.errors / t.words, 3), errors: t.errors, words: t.words });
    return {
      all_words: rate(this.all),
      after_wake_word: rate(this.afterWake),
      wake_word_opens: this.wakeFound,
      clips: this.clips,
      mean_transcribe_ms: round(this.busyMs / this.clips, 1),
      ...(window.lengthenTo ? { transcripts_longer_than_own_budget: this.overOwnBudget } : {}),
      misheard: this.misheard,
    };
  }
}

/** The modes: greedy decoding, and with the wake word offered as the opening (what the two-stage wake asks once the spotter heard it). */
const MODES: Record<string, ExpectedOpening | undefined> = { greedy: undefined, with_opening: wakeOpening(WAKE_WORD) };

export async function runSttWindowBench() {
  const dir = path.join(fixturesDir(), MODEL);
  const options = { threads: 2, device: 'cpu' } as const;
  const own = await WhisperDecoder.load(dir, {}, { ...options, fullWindow: false });
  const padded = await WhisperDecoder.load(dir, {}, { ...options, fullWindow: true }).catch(async (err: unknown) => {
    await own.release();
    throw err;
  });
  const clips: Clip[] = Object.keys(VOICES).flatMap((voice) =>
    COMMANDS.map((command) => {
      const said = `${wakeOpening(WAKE_WORD).text}, ${command}`;
      return { voice, said, command, samples: concat(silence(BEFORE_S), speak(said, voice), silence(AFTER_S)) };
    }),
  );
  const tallies = new Map(WINDOWS.map((w) => [w, new Map(Object.keys(MODES).map((mode) => [mode, new Tally()]))]));
  try {
    // Warm both: the first run of a session allocates what later runs reuse.
    for (const decoder of [own, padded]) await decoder.transcribe(clips[0]!.samples, 'en', () => false);
    for (const [n, clip] of clips.entries()) {
      if (clip.samples.length > TEN_S_SAMPLES) throw new Error(`"${clip.said}" (${clip.voice}) is longer than 9.7 s: it cannot be heard on a 10 s window`);
      // Every window hears a clip before the next clip: the machine's load falls on all alike.
      for (const window of WINDOWS) {
        const samples = window.lengthenTo ? concat(clip.samples, silence((window.lengthenTo - clip.samples.length) / RATE)) : clip.samples;
        const decoder = window.padded ? padded : own;
        for (const [mode, opening] of Object.entries(MODES)) {
          const started = performance.now();
          const heard = await decoder.transcribe(samples, 'en', () => false, opening);
          const ms = performance.now() - started;
          const outgrew = decoder.vocabulary.encode(` ${heard.text}`).length > tokenBudget(clip.samples.length / RATE);
          tallies.get(window)!.get(mode)!.add(clip, heard.text, ms, outgrew);
        }
      }
      if ((n + 1) % 20 === 0) console.log(`stt-window: ${n + 1} of ${clips.length} clips`);
    }
  } finally {
    await Promise.all([own.release(), padded.release()]);
  }
  return {
    model: `${MODEL} (OpenAI Whisper tiny.en), WhisperDecoder on 2 CPU threads`,
    method: `${COMMANDS.length} commands, each said as "Kiwi, <command>" by ${Object.keys(VOICES).length} espeak-ng voices (150 wpm), with ${BEFORE_S} s of silence before and ${AFTER_S} s after; errors are word edits after folding case and punctuation; after_wake_word compares the command with what the wake-word confirmation (confirm.ts) leaves after the wake word, or with the whole transcript when it finds none; wake_word_opens counts the transcripts that confirmation accepts; times on a shared 2-core machine`,
    voices: VOICES,
    commands: COMMANDS,
    windows: Object.fromEntries(WINDOWS.map((w) => [w.name, Object.fromEntries([...tallies.get(w)!].map(([mode, tally]) => [mode, tally.result(w)]))])),
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
