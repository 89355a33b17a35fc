import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../main/contract/config.ts';
import { StreamResampler } from '../main/engine/audio/resampler.ts';
import { ListeningSession, type Utterance } from '../main/engine/listening/listening-session.ts';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { resolveModel } from '../main/engine/models/resolve.ts';
import { resampleFile } from '../main/engine/models/testing/speech.ts';
import type { Stt, Vad, WakeDetection, WakeWord } from '../main/engine/stages.ts';
import { STT_ENGINES } from '../main/engine/stages/stt/index.ts';
import { TTS_ENGINES } from '../main/engine/stages/tts/index.ts';
import { VAD_ENGINES } from '../main/engine/stages/vad/index.ts';
import { keywordsFile, keywordTokens, type KeywordLine } from '../main/engine/stages/wake/kws-tokens.ts';
import { wakeOpening } from '../main/engine/stages/wake/confirm.ts';
import { wakeKeywordSets } from '../main/engine/stages/wake/kws-spellings.ts';
import { REFRACTORY_SAMPLES } from '../main/engine/stages/wake/refractory.ts';
import { keywordWriter, loadSpotter, LOWERED_VIEW_RATE, type KeywordSpotter, type KwsFiles } from '../main/engine/stages/wake/sherpa-kws.ts';
import { CACHE, nearMissBlock, negativeBlocks, positives, RATE } from './wake-corpus.ts';
import { FRESH_VOICES, kokoroCommands } from './wake-fresh-voices.ts';
import { FRESH_VOICES_2 } from './wake-fresh-voices-2.ts';

/**
 * Raw material for choosing the two-stage wake: audio goes through Kiwi's own listening session
 * (Silero VAD, endpointer, pre-roll) with keyword spotters beside it, exactly as the voice loop
 * hears it; every utterance a spotter fired for is transcribed by Whisper tiny.en (the transcript
 * the voice loop makes for the command anyway). Written to .kiwi-test/bench-wake/raw-<part>.json;
 * wake-bench.ts judges wake rules on it. `tsx bench/wake-two-stage.ts commands|fresh|fresh2|speech|prose`.
 */
export interface RawHit {
  spotter: string;
  /** The keyword line that fired ("kiwi|kee wee"), sample index on the stream. */
  line: string;
  at: number;
}
export interface RawUtterance {
  stream: string;
  voice: string;
  group: string;
  variation: string;
  start: number;
  end: number;
  hits: RawHit[];
  transcript: string | null;
  /** The transcript as the voice loop makes it once the spotter fired: it may open with "Kiwi" (wakeOpening). */
  opened?: string | null;
  /** Tried (session 25): the same, with the opening's minimum log-probability at each of OPENING_TRIED. */
  openedAt?: Record<string, string | null>;
}

/** Opening thresholds tried besides wakeOpening's own (session 25, on the tune voices). */
export const OPENING_TRIED = [-6, -7, -8];

const line = (spelling: string | undefined, boost = 4, threshold = 0.02): KeywordLine => ({ keyword: spelling ? `kiwi|${spelling}` : 'kiwi', spelling, boost, threshold });

const own = (spelling?: string): KeywordLine => ({ keyword: 'kiwi', ...(spelling ? { spelling } : {}), boost: 4, threshold: 0.02 });
/** Tried: all of Kiwi's lines in one keywords file, searched with a wider beam (PATHS). */
export const ONE_FILE = 'one file, 8 paths';

/** Spotters run side by side: a loose one with labelled sound-alike lines (any subset is judged later) and strict ones. */
export const SPOTTERS: Record<string, KeywordLine[]> = {
  loose: ['kiwi', 'kee wee', 'key we', 'key wee', 'kee we', 'ki wee', 'qiwi', 'kee vee', 'key vee', 'kivi', 'kivvy', 'k v', 'ki vi', 'kievie'].map((s) => line(s === 'kiwi' ? undefined : s)),
  'strict #0.05 :3': [line(undefined, 3, 0.05)],
  /** Exactly what Kiwi runs with voice.wake_confirm 'transcript' (kws-spellings.ts; the catalog's :4 #0.02): "kiwi" (alone, Kiwi's spotter before session 12), "kiwi 2". */
  ...Object.fromEntries(wakeKeywordSets('kiwi', { boost: 4, threshold: 0.02, confirmed: true }).map((lines, i) => [i ? `kiwi ${i + 1}` : 'kiwi', lines])),
  [ONE_FILE]: [own(), own('key wee'), own('key we'), own('key vee'), own('k v')],
};
/** Tried (session 25): sound-alikes listened for apart (each in a stream of its own, in both views), and a third view 600 cents lower. */
export const CANDIDATE = 'tried: ';
export const APART_TRIED = ['kee wee', 'ki wee', 'kivi'];
for (const s of APART_TRIED) SPOTTERS[`${CANDIDATE}${s}`] = [own(s)];
export const LOWER_600 = 'lowered 600: ';
export const LOWER_600_RATE = Math.round(RATE / 2 ** (600 / 1200));
/**
 * KIWI_WAKE_BENCH_LEAN=1: only Kiwi's own spotters and the tried ones (not the loose, strict and
 * one-file spotters of earlier sessions' rows, which then read as never firing): a third of the time.
 */
export const LEAN = process.env.KIWI_WAKE_BENCH_LEAN === '1';
if (LEAN) for (const name of ['loose', 'strict #0.05 :3', ONE_FILE]) delete SPOTTERS[name];
/** sherpa's beam (maxActivePaths) where it is not its default 4. */
const PATHS: Record<string, number> = { [ONE_FILE]: 8 };

/** Kiwi's spotters' second view (sherpa-kws.ts): the same keyword sets on the audio declared at LOWERED_VIEW_RATE (300 cents lower). */
export const LOWERED = 'lowered: ';
for (const [name, lines] of Object.entries(SPOTTERS)) if (isKiwiSpotter(name) || name.startsWith(CANDIDATE)) SPOTTERS[`${LOWERED}${name}`] = lines;
for (const [name, lines] of Object.entries(SPOTTERS)) if (isKiwiSpotter(name)) SPOTTERS[`${LOWER_600}${name}`] = lines;
/**
 * KIWI_WAKE_BENCH_KIWI_ONLY=1 (the long prose run, part `prose`): only Kiwi's own keyword sets in
 * both views, the four streams the voice loop runs, and no tried opening thresholds.
 */
export const KIWI_ONLY = process.env.KIWI_WAKE_BENCH_KIWI_ONLY === '1';
if (KIWI_ONLY) for (const name of Object.keys(SPOTTERS)) if (!isKiwiSpotter(name.replace(LOWERED, ''))) delete SPOTTERS[name];
/** The rate each spotter is told its audio has (RATE unless given). */
const RATES: Record<string, number> = Object.fromEntries([
  ...Object.keys(SPOTTERS).filter((n) => n.startsWith(LOWERED)).map((n) => [n, LOWERED_VIEW_RATE]),
  ...Object.keys(SPOTTERS).filter((n) => n.startsWith(LOWER_600)).map((n) => [n, LOWER_600_RATE]),
]);

/** Kiwi's own spotters, one per keyword set: "kiwi", "kiwi 2", … (a function: the spotter table above is built with it). */
export function isKiwiSpotter(name: string): boolean {
  return name === 'kiwi' || name.startsWith('kiwi ');
}
/** Whether Kiwi's own spotters (all its keyword sets) fired in this utterance. */
export const kiwiSpotted = (u: RawUtterance) => u.hits.some((h) => isKiwiSpotter(h.spotter));

/** A spotter that says which keyword line fired (by its tokens; sherpa merges the phrases of lines that share a prefix). */
class LabelledSpotter {
  #stream: ReturnType<KeywordSpotter['createStream']>;
  #resampler: StreamResampler;
  #fed = 0;
  #last = -Infinity;
  constructor(
    private readonly spotter: KeywordSpotter,
    private readonly keywords: string,
    private readonly labels: Map<string, string>,
    private readonly rate = RATE,
  ) {
    this.#stream = spotter.createStream(keywords);
    this.#resampler = new StreamResampler(rate, RATE);
  }
  accept(samples: Float32Array): Array<{ line: string; at: number }> {
    const out: Array<{ line: string; at: number }> = [];
    // As SherpaKws feeds a view: the audio declared at its rate, resampled to 16 kHz.
    this.#stream.acceptWaveform({ samples: this.#resampler.resample(samples), sampleRate: RATE });
    this.#fed += samples.length;
    while (this.spotter.isReady(this.#stream)) {
      this.spotter.decode(this.#stream);
      const result = this.spotter.getResult(this.#stream);
      if (!result.keyword) continue;
      if (this.#fed - this.#last >= REFRACTORY_SAMPLES) {
        this.#last = this.#fed;
        out.push({ line: this.labels.get((result.tokens ?? []).join(' ')) ?? `${result.keyword}:${(result.tokens ?? []).join(' ')}`, at: this.#fed });
      }
      this.spotter.reset(this.#stream);
    }
    return out;
  }
  reset(): void {
    this.#stream = this.spotter.createStream(this.keywords);
    this.#resampler = new StreamResampler(this.rate, RATE);
    this.#fed = 0;
    this.#last = -Infinity;
  }
}

/** Runs all spotters on the stream and reports the loose one's hits to the session (as the voice loop would see them). */
class SpotterBank implements WakeWord {
  readonly name = 'bank';
  readonly hits: RawHit[] = [];
  constructor(private readonly spotters: Record<string, LabelledSpotter>) {}
  async accept(samples: Float32Array): Promise<WakeDetection | null> {
    let loose: WakeDetection | null = null;
    for (const [name, kws] of Object.entries(this.spotters)) {
      for (const hit of kws.accept(samples)) {
        this.hits.push({ spotter: name, ...hit });
        if (LEAN || KIWI_ONLY ? isKiwiSpotter(name.replace(LOWERED, '')) : name === 'loose') loose = { keyword: 'kiwi', score: 0, at: hit.at };
      }
    }
    return loose;
  }
  reset(): void {
    for (const kws of Object.values(this.spotters)) kws.reset();
    this.hits.length = 0;
  }
  fork(): WakeWord {
    throw new Error('not used');
  }
  dispose(): void {}
}

async function kit() {
  const modelsDir = process.env.KIWI_TEST_MODELS_DIR;
  if (!modelsDir) throw new Error('KIWI_TEST_MODELS_DIR is not set');
  const catalog = await loadCatalog();
  const config = DEFAULT_CONFIG;
  const resolve = (task: Parameters<typeof resolveModel>[0], id: string, engines: string[]) => resolveModel(task, id, 'en', { modelsDir, catalog, engines });
  const model = await resolve('wake', 'kws-zipformer-gigaspeech-en', ['sherpa-kws']);
  const writer = await keywordWriter(model);
  // As Kiwi runs its keyword sets (sherpa-kws.ts): streams of one spotter with no keywords of its own.
  const load = (paths?: number) => loadSpotter(model.dir, model.id, model.config as unknown as KwsFiles, { boost: 1, threshold: 0.25, threads: 1, paths });
  const shared = await load();
  const spotters: Record<string, LabelledSpotter> = {};
  for (const [name, lines] of Object.entries(SPOTTERS)) {
    const labels = new Map(lines.map((l) => [keywordTokens(l.spelling ?? l.keyword, writer.table, writer.bpe).join(' '), l.spelling ?? 'kiwi']));
    const text = keywordsFile(lines, writer.table, writer.bpe);
    console.log(text);
    spotters[name] = new LabelledSpotter(PATHS[name] ? await load(PATHS[name]) : shared, text, labels, RATES[name]);
  }
  const vadModel = await resolve('vad', 'auto', ['sherpa-vad']);
  const vad: Vad = await VAD_ENGINES[vadModel.engine]!(vadModel, { config, modelsDir });
  const sttModel = await resolve('stt', 'stt-substitute-whisper-tiny-en', ['onnx-whisper']);
  const whisper: Stt = await STT_ENGINES[sttModel.engine]!(sttModel, { config, modelsDir });
  const ttsModel = await resolve('tts', 'tts-piper-en-us-joe-medium', ['onnx-piper']);
  const piper = await TTS_ENGINES[ttsModel.engine]!(ttsModel, { config, modelsDir });
  return { spotters, vad, whisper, piper, config };
}

type Kit = Awaited<ReturnType<typeof kit>>;

/** Transcripts of earlier runs on the same audio (the same utterances get the same text): Whisper is the slow part. */
const CACHED = new Map<string, string>();
for (const part of ['commands', 'fresh', 'fresh2', 'speech']) {
  const file = path.join(CACHE, `raw-${part}.json`);
  if (!fs.existsSync(file)) continue;
  for (const u of JSON.parse(fs.readFileSync(file, 'utf8')) as RawUtterance[]) if (u.transcript !== null) CACHED.set(`${u.stream}:${u.start}:${u.end}`, u.transcript);
}

/** One stream through a listening session; utterances a spotter fired for (or all, `transcribeAll`) are transcribed. */
async function listen(k: Kit, samples: Float32Array, meta: Pick<RawUtterance, 'stream' | 'voice' | 'group' | 'variation'>, transcribeAll: boolean): Promise<RawUtterance[]> {
  const bank = new SpotterBank(k.spotters);
  bank.reset();
  const out: RawUtterance[] = [];
  const voice = () => k.config.voice;
  const preroll = (voice().preroll_ms * RATE) / 1000;
  const session = new ListeningSession(meta.stream, { vad: k.vad.fork(voice().vad_threshold), wake: bank }, voice, {
    speechStarted: () => undefined,
    wake: () => undefined,
    speaking: () => false,
    bargeIn: () => undefined,
    utterance: async (u: Utterance) => {
      // The voice loop's window for a wake word that belongs to an utterance (listening-session #wakeFor).
      const hits = bank.hits.filter((h) => h.at >= u.start - preroll - RATE && h.at <= u.end + RATE / 2);
      const known = CACHED.get(`${meta.stream}:${u.start}:${u.end}`);
      const audio = { samples: u.samples, sampleRate: RATE };
      const transcript = known ?? (hits.length || transcribeAll ? (await k.whisper.transcribe(audio, { language: 'en' })).text : null);
      const opened = hits.length ? (await k.whisper.transcribe(audio, { language: 'en', opening: wakeOpening('kiwi') })).text : null;
      const openedAt: Record<string, string | null> = {};
      // A lower threshold only changes transcripts that did not open with the word already.
      for (const min of KIWI_ONLY ? [] : OPENING_TRIED) {
        openedAt[min] = !hits.length ? null : /^\W*kiwi\b/i.test(opened ?? '') ? opened : (await k.whisper.transcribe(audio, { language: 'en', opening: { ...wakeOpening('kiwi'), minLogprob: min } })).text;
      }
      out.push({ ...meta, start: u.start, end: u.end, hits, transcript, opened, openedAt });
    },
  }, { awaitTurns: true });
  const step = RATE / 10;
  for (let at = 0; at < samples.length; at += step) await session.push(samples.subarray(at, at + step));
  await session.end();
  // Hits outside any utterance (the VAD heard no speech there) still count for the spotter alone.
  const inside = new Set(out.flatMap((u) => u.hits));
  const stray = bank.hits.filter((h) => !inside.has(h));
  if (stray.length) out.push({ ...meta, start: -1, end: -1, hits: stray, transcript: null });
  return out;
}

/** One shard's part of the long prose run: the blocks it finished and their utterances (raw-prose-<shard>.json). */
export interface ProseShard {
  blocks: Array<{ stream: string; voice: string; seconds: number }>;
  utterances: RawUtterance[];
}

/**
 * The long false-wake run of Kiwi's default (KIWI_WAKE_BENCH_KIWI_ONLY=1): KIWI_WAKE_BENCH_HOURS of
 * prose blocks, every KIWI_WAKE_BENCH_SHARD=i/n-th block from the i-th (shards run side by side),
 * written after every block and resumed from there: a run stopped for time keeps what it heard.
 */
async function proseRun(k: Kit): Promise<void> {
  if (!KIWI_ONLY) throw new Error('the prose run is of Kiwi\'s own spotters: set KIWI_WAKE_BENCH_KIWI_ONLY=1');
  const [shard = 0, shards = 1] = (process.env.KIWI_WAKE_BENCH_SHARD ?? '0/1').split('/').map(Number);
  const file = path.join(CACHE, `raw-prose-${shard}.json`);
  const done: ProseShard = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { blocks: [], utterances: [] };
  const mine = (b: number) => b % shards === shard;
  const blocks = negativeBlocks(Number(process.env.KIWI_WAKE_BENCH_HOURS ?? 1), 180, mine);
  for (const [b, block] of blocks.entries()) {
    const stream = path.basename(block.file, '.wav');
    if (!mine(b) || done.blocks.some((d) => d.stream === stream)) continue;
    const samples = resampleFile(block.file, RATE);
    done.utterances.push(...(await listen(k, samples, { stream, voice: block.voice, group: 'speech', variation: 'clean' }, false)));
    done.blocks.push({ stream, voice: block.voice, seconds: samples.length / RATE });
    // Whole or not at all: a run killed mid-write keeps the file of the block before.
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(done));
    fs.renameSync(`${file}.tmp`, file);
    const hours = done.blocks.reduce((n, d) => n + d.seconds, 0) / 3600;
    console.log(`block ${b + 1}/${blocks.length} (${block.voice}): ${hours.toFixed(2)} h, ${done.utterances.reduce((n, u) => n + u.hits.length, 0)} hits so far`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const part = process.argv[2];
  const k = await kit();
  const raw: RawUtterance[] = [];
  if (part === 'commands' || part === 'fresh' || part === 'fresh2') {
    // fresh: the first fresh set (wake-fresh-voices.ts, a tune set since session 25); fresh2: the second, frozen held-out set.
    const kokoro = part === 'fresh' ? kokoroCommands(process.env.KIWI_TEST_MODELS_DIR!) : undefined;
    const clips = part === 'fresh2' ? await positives(null, FRESH_VOICES_2) : part === 'fresh' ? await positives(null, FRESH_VOICES, kokoro) : await positives(k.piper);
    kokoro?.dispose();
    for (const [i, c] of clips.entries()) {
      raw.push(...(await listen(k, c.samples, { stream: `${part === 'commands' ? 'pos' : part}-${i}`, voice: c.voice, group: c.group, variation: c.variation }, true)));
      if (i % 20 === 0) {
        console.log(`clip ${i}/${clips.length}`);
        fs.writeFileSync(path.join(CACHE, `raw-${part}.partial.json`), JSON.stringify(raw));
      }
    }
  } else if (part === 'speech' || part === 'near-miss') {
    // The near-miss block first: its partial results come early.
    const blocks = [nearMissBlock(), ...(part === 'speech' ? negativeBlocks(Number(process.env.KIWI_WAKE_BENCH_HOURS ?? 1), 180) : [])];
    let seconds = 0;
    for (const [b, block] of blocks.entries()) {
      const samples = resampleFile(block.file, RATE);
      seconds += samples.length / RATE;
      raw.push(...(await listen(k, samples, { stream: path.basename(block.file, '.wav'), voice: block.voice, group: 'speech', variation: 'clean' }, false)));
      console.log(`block ${b + 1}/${blocks.length} (${block.voice}): ${raw.reduce((n, u) => n + u.hits.length, 0)} hits so far`);
      fs.writeFileSync(path.join(CACHE, `raw-${part}.partial.json`), JSON.stringify(raw));
    }
    fs.writeFileSync(path.join(CACHE, `raw-${part}-seconds.json`), JSON.stringify({ seconds, blocks: blocks.map((b) => ({ ...b, seconds: resampleFile(b.file, RATE).length / RATE })) }));
  } else if (part === 'prose') {
    await proseRun(k);
  } else throw new Error('usage: wake-two-stage.ts commands|fresh|fresh2|speech|near-miss|prose');
  if (part !== 'prose') {
    fs.writeFileSync(path.join(CACHE, `raw-${part}.json`), JSON.stringify(raw));
    console.log(`${raw.length} utterances, written`);
  }
  k.whisper.dispose();
  k.piper.dispose();
}
