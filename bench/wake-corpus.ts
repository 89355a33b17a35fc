import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../main/platform/paths.ts';
import { resampleFile } from '../main/engine/models/testing/speech.ts';
import type { Tts } from '../main/engine/stages.ts';

/**
 * The wake-word bench's own recordings: commands that start with "Kiwi" in many synthetic voices
 * (espeak-ng voices and variants, the Piper fixture voice), each also changed by sox (tempo,
 * pitch, noise), and long stretches of English speech that never say the word. Deterministic:
 * the same run makes the same audio (cached under .kiwi-test/bench-wake).
 */
export const RATE = 16000;
export const CACHE = path.join(appRoot, '.kiwi-test', 'bench-wake');

export const COMMANDS = [
  'Kiwi, what time is it?',
  'Kiwi, stop.',
  'Kiwi, who is speaking?',
  'Kiwi, turn on the kitchen lights.',
  'Kiwi, set a timer for five minutes.',
  'Kiwi, play some jazz.',
];

/** What shows that a transcript got COMMANDS[i] right, whatever it made of "Kiwi" (wake-understood-judge.ts). */
export const COMMAND_HEARD: readonly RegExp[] = [/\btime\b/i, /\bstop\b/i, /\bspeak/i, /\bkitchen\b.*\blights?\b/i, /\btimer\b.*\b(five|5)\b.*\bminutes?\b/i, /\bjazz\b/i];

/** espeak-ng voices: native accents, variants (pitch, formants), and English read by other languages' voices (foreign accents). */
export const ESPEAK_VOICES = {
  native: ['en-us', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029', 'en-us-nyc', 'en-us+f2', 'en-us+m3', 'en-gb+f4', 'en-us+m7', 'en-gb+Annie', 'en-us+Alex'],
  accented: ['de', 'fr', 'es', 'it', 'ru', 'pl', 'hi'],
};

/** sox effects applied to every clip besides the clean one. */
export const VARIATIONS: Record<string, string[]> = {
  clean: [],
  slow: ['tempo', '0.85'],
  fast: ['tempo', '1.2'],
  low: ['pitch', '-300'],
  high: ['pitch', '300'],
};

/** Neural voices that speak the commands (the Kokoro fixture's, for the fresh held-out set). */
export interface CommandSource {
  name: string;
  voices: readonly string[];
  say(text: string, voice: string): Promise<{ samples: Float32Array; sampleRate: number }>;
}

export interface Clip {
  text: string;
  voice: string;
  group: 'native' | 'accented' | 'piper' | 'neural';
  variation: string;
  samples: Float32Array;
}

function sox(input: string, output: string, effects: string[]): void {
  execFileSync('sox', [input, '-r', String(RATE), '-c', '1', '-b', '16', output, ...effects]);
}

function espeakWav(text: string, voice: string, file: string, wpm = 150, ssml = false): void {
  execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), ...(ssml ? ['-m'] : []), '-w', file, text], { maxBuffer: 1 << 26 });
}

/** Deterministic white + low rumble noise at `snrDb` under the clip's own RMS. */
export function addNoise(samples: Float32Array, snrDb: number, seed = 11): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const power = samples.reduce((s, x) => s + x * x, 0) / Math.max(1, samples.length);
  const level = Math.sqrt(power / 10 ** (snrDb / 10));
  let low = 0;
  return Float32Array.from(samples, (x) => {
    low = 0.97 * low + 0.03 * next();
    return x + level * (0.6 * next() + 2.5 * low);
  });
}

const lead = (samples: Float32Array) => {
  // 0.6 s of silence before and after, as a person pauses before speaking to an assistant.
  const out = new Float32Array(samples.length + Math.round(1.2 * RATE));
  out.set(samples, Math.round(0.6 * RATE));
  return out;
};

/** Every command in every voice, clean and with one sox variation and one noisy copy each (rotating). */
export async function positives(piper: Tts | null, voices: Record<'native' | 'accented', readonly string[]> = ESPEAK_VOICES, extra?: CommandSource): Promise<Clip[]> {
  fs.mkdirSync(path.join(CACHE, 'pos'), { recursive: true });
  const clips: Clip[] = [];
  const variationNames = Object.keys(VARIATIONS).filter((v) => v !== 'clean');
  let n = 0;
  const add = (text: string, voice: string, group: Clip['group'], raw: string) => {
    const v = variationNames[n++ % variationNames.length]!;
    for (const variation of ['clean', v]) {
      const file = path.join(CACHE, 'pos', `${path.basename(raw, '.wav')}-${variation}.wav`);
      if (!fs.existsSync(file)) sox(raw, file, VARIATIONS[variation]!);
      clips.push({ text, voice, group, variation, samples: lead(resampleFile(file, RATE)) });
    }
    if (process.env.KIWI_WAKE_BENCH_NOISE === '1') {
      clips.push({ text, voice, group, variation: 'noise-10dB', samples: addNoise(clips.at(-2)!.samples, 10, n) });
    }
  };
  for (const [group, list] of Object.entries(voices) as Array<[Clip['group'], string[]]>) {
    for (const voice of list) {
      for (const [i, text] of COMMANDS.entries()) {
        const raw = path.join(CACHE, 'pos', `${voice.replace(/[^a-z0-9]+/gi, '_')}-${i}.wav`);
        if (!fs.existsSync(raw)) espeakWav(text, voice, raw);
        add(text, voice, group, raw);
      }
    }
  }
  if (extra) {
    for (const voice of extra.voices) {
      for (const [i, text] of COMMANDS.entries()) {
        const raw = path.join(CACHE, 'pos', `${extra.name}-${voice}-${i}.wav`);
        if (!fs.existsSync(raw)) writeWav(raw, await extra.say(text, voice));
        add(text, `${extra.name}:${voice}`, 'neural', raw);
      }
    }
  }
  if (piper) {
    for (const [i, text] of COMMANDS.entries()) {
      const raw = path.join(CACHE, 'pos', `piper-joe-${i}.wav`);
      if (!fs.existsSync(raw)) writeWav(raw, await piper.synthesize(text, { voice: 'default', speed: 1, language: 'en' }));
      add(text, 'piper:en_US-joe-medium', 'piper', raw);
    }
  }
  return clips;
}

function writeWav(file: string, pcm: { samples: Float32Array; sampleRate: number }): void {
  const raw = Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength);
  const tmp = `${file}.f32`;
  fs.writeFileSync(tmp, raw);
  execFileSync('sox', ['-t', 'raw', '-r', String(pcm.sampleRate), '-c', '1', '-e', 'floating-point', '-b', '32', '-L', tmp, '-b', '16', file]);
  fs.rmSync(tmp);
}

/**
 * English prose without the wake word: the licence texts Debian ships and the prose lines of the
 * READMEs in node_modules, split into sentences; plus sentences full of near-misses ("key west",
 * "cheeky", "key we").
 */
export function prose(): string[] {
  const texts: string[] = [];
  const licenses = '/usr/share/common-licenses';
  if (fs.existsSync(licenses)) {
    for (const name of fs.readdirSync(licenses).sort()) {
      const file = path.join(licenses, name);
      if (fs.statSync(file).isFile()) texts.push(fs.readFileSync(file, 'utf8'));
    }
  }
  const modules = path.join(appRoot, 'node_modules');
  for (const name of fs.readdirSync(modules).sort()) {
    const readme = path.join(modules, name, 'README.md');
    if (fs.existsSync(readme)) texts.push(fs.readFileSync(readme, 'utf8'));
  }
  const sentences = new Set<string>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      if (/[`{}<>|=#\\/_*[\]]/.test(line) || /\bkiwi/i.test(line)) continue;
      for (const s of line.split(/(?<=[.!?])\s+/)) {
        const words = s.trim().split(/\s+/);
        if (words.length >= 6 && words.every((w) => /^[A-Za-z][A-Za-z',.;:!?()-]*$/.test(w))) sentences.add(s.trim());
      }
    }
  }
  return [...NEAR_MISSES, ...sentences];
}

export const NEAR_MISSES = [
  'We drove down to Key West for the weekend.',
  'That was a cheeky thing to say to your teacher.',
  'The key we lost was under the mat all along.',
  'He is quick and he is witty.',
  'Give me the keys, we are leaving now.',
  'The tiny bird was tweeting in the tree.',
  'She keeps the weekly report on her desk.',
  'Is it cheaper to fly to Quebec or to Kiev?',
  'Kevin and Keith went to see Kimmy.',
  'Please pass me a piece of the sweet pie.',
  'The key witness arrived at the courthouse.',
  'We need a quick review of the whole document.',
];

/**
 * Long speech without the wake word, about `hours` of it: sentences read in turn by every
 * native and accented espeak-ng voice at 140–180 words per minute, with short pauses, as
 * continuous streams of `blockSeconds` each. Written once to the cache as 16-bit WAV blocks (only
 * the blocks `keep` takes; the list always has them all, the same for every caller).
 */
export function negativeBlocks(hours: number, blockSeconds = 600, keep: (block: number) => boolean = () => true): Array<{ voice: string; file: string }> {
  fs.mkdirSync(path.join(CACHE, 'neg'), { recursive: true });
  const sentences = prose();
  const voices = [...ESPEAK_VOICES.native, ...ESPEAK_VOICES.accented];
  const blocks: Array<{ voice: string; file: string }> = [];
  const wordsPerBlock = Math.round((blockSeconds / 60) * 160);
  let next = 0;
  for (let b = 0; b < Math.ceil((hours * 3600) / blockSeconds); b += 1) {
    const voice = voices[b % voices.length]!;
    const file = path.join(CACHE, 'neg', `block-${blockSeconds}s-${b}.wav`);
    blocks.push({ voice, file });
    const chosen: string[] = [];
    for (let words = 0; words < wordsPerBlock; next = (next + 1) % sentences.length) {
      chosen.push(sentences[next]!);
      words += sentences[next]!.split(' ').length;
    }
    // Blocks another run makes (a shard of the long prose run) are listed but not written here.
    if (fs.existsSync(file) || !keep(b)) continue;
    const raw = `${file}.raw.wav`;
    espeakWav(chosen.join(' '), voice, raw, 140 + ((b * 13) % 41));
    sox(raw, file, []);
    fs.rmSync(raw);
  }
  return blocks;
}

/** Utterances that open with a word close to "kiwi", each said on its own (pauses of 1.5 s): what a two-stage wake must reject. */
export const NEAR_MISS_STARTS = [
  'Key West is lovely in the winter.',
  'Cheeky monkey, put that down.',
  'Key witness for the defence.',
  'Keep it down, please.',
  'Quickly, close the window.',
  'Kevin, what time is it?',
  'Keys, where are my keys?',
  'Peewee, come here.',
  'Tiki bar tonight?',
  'Kiev is a big city.',
  'Kimi, what time is it?',
  'Hey Kitty, come here.',
  'Kiki, turn on the lights.',
  'Cookie, stop.',
  'Teeny weeny bikini.',
  'Key with the red tag.',
  'Easy, we are almost there.',
  'Queasy, I feel queasy.',
  'Weewee time for the puppy.',
  'Cheers, we did it.',
  'Can we go home now?',
  'Can we talk about it later?',
  'Keep quiet, we are recording.',
  'Quiche with peas for dinner.',
];

/** Voices for the near-miss utterances: native accents, a synthetic variant and accented English. */
export const NEAR_MISS_VOICES = ['en-us', 'en-gb-scotland', 'en-029', 'en-us+f2', 'de', 'fr', 'hi'];

/** The near-miss sentences (the prose ones and NEAR_MISS_STARTS) in every NEAR_MISS_VOICES voice, as one stream. */
export function nearMissBlock(): { voice: string; file: string } {
  fs.mkdirSync(path.join(CACHE, 'neg'), { recursive: true });
  const file = path.join(CACHE, 'neg', 'near-miss.wav');
  if (!fs.existsSync(file)) {
    const parts = NEAR_MISS_VOICES.map((voice, i) => {
      const raw = path.join(CACHE, 'neg', `near-miss-${i}.raw.wav`);
      const ssml = `<speak>${[...NEAR_MISSES, ...NEAR_MISS_STARTS].map((s) => `${s}<break time="1500ms"/>`).join('')}</speak>`;
      espeakWav(ssml, voice, raw, 150, true);
      return raw;
    });
    execFileSync('sox', [...parts, '-r', String(RATE), '-c', '1', '-b', '16', file]);
    for (const raw of parts) fs.rmSync(raw);
  }
  return { voice: NEAR_MISS_VOICES.join(','), file };
}
