import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../main/contract/config.ts';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { resolveModel } from '../main/engine/models/resolve.ts';
import { resampleFile } from '../main/engine/models/testing/speech.ts';
import type { Stt } from '../main/engine/stages.ts';
import { STT_ENGINES } from '../main/engine/stages/stt/index.ts';
import { TTS_ENGINES } from '../main/engine/stages/tts/index.ts';
import { keywordsFile, type KeywordLine } from '../main/engine/stages/wake/kws-tokens.ts';
import { SherpaKws, keywordWriter, loadSpotter, type KwsFiles } from '../main/engine/stages/wake/sherpa-kws.ts';
import { matchWakeWord } from '../main/engine/stages/wake/text-match.ts';
import { negativeBlocks, positives, RATE, type Clip } from './wake-corpus.ts';

/**
 * Wake-word accuracy of the sherpa keyword spotter on the real GigaSpeech KWS model:
 * misses on commands that start with "Kiwi" (many voices, sox variations, noise) and false wakes
 * per hour on long speech without the word, for several keyword settings; then for the chosen
 * setting, the two-stage wake (spotter proposes, Whisper's transcript confirms) against the
 * spotter alone, and the transcript alone. Run: `npm run bench wake` (needs KIWI_TEST_MODELS_DIR).
 * KIWI_WAKE_BENCH_HOURS sets the hours of speech without the wake word (default 3).
 */
interface Setting {
  name: string;
  lines: Array<Omit<KeywordLine, 'keyword'>>;
}

const SETTINGS: Setting[] = [
  { name: 'sherpa default (#0.25 :1)', lines: [{ boost: 1, threshold: 0.25 }] },
  { name: 'kiwi #0.05 :3', lines: [{ boost: 3, threshold: 0.05 }] },
  { name: "kiwi #0.02 :4 (the issue's)", lines: [{ boost: 4, threshold: 0.02 }] },
  { name: 'kiwi #0.02 :4 + kee wee + key we', lines: [{ boost: 4, threshold: 0.02 }, { spelling: 'kee wee', boost: 4, threshold: 0.02 }, { spelling: 'key we', boost: 4, threshold: 0.02 }] },
];
/** Long speech is measured for the settings with the fewest misses only (the machine is shared; each hour costs minutes). */
const MEASURED_ON_SPEECH = 2;

async function detect(kws: SherpaKws, samples: Float32Array): Promise<number[]> {
  kws.reset();
  const hits: number[] = [];
  const step = RATE / 5;
  for (let at = 0; at < samples.length; at += step) {
    const hit = await kws.accept(samples.subarray(at, at + step));
    if (hit) hits.push(hit.at);
  }
  return hits;
}

const pct = (n: number, of: number) => Math.round((1000 * n) / Math.max(1, of)) / 10;

export async function runWakeBench(): Promise<object> {
  const modelsDir = process.env.KIWI_TEST_MODELS_DIR;
  if (!modelsDir) throw new Error('KIWI_TEST_MODELS_DIR is not set: run export KIWI_TEST_MODELS_DIR="$(npm run -s test:models | tail -n 1)"');
  const hours = Number(process.env.KIWI_WAKE_BENCH_HOURS ?? 3);
  const catalog = await loadCatalog();
  const config = DEFAULT_CONFIG;
  const model = await resolveModel('wake', 'kws-zipformer-gigaspeech-en', 'en', { modelsDir, catalog, engines: ['sherpa-kws'] });
  const writer = await keywordWriter(model);
  const files = model.config as unknown as KwsFiles;
  const spotters: Record<string, SherpaKws> = {};
  for (const s of SETTINGS) {
    const text = keywordsFile(s.lines.map((l) => ({ keyword: 'kiwi', ...l })), writer.table, writer.bpe);
    spotters[s.name] = new SherpaKws(await loadSpotter(model.dir, model.id, files, text, { boost: 1, threshold: 0.25, threads: 1 }), 0);
  }
  const tts = await resolveModel('tts', 'tts-piper-en-us-joe-medium', 'en', { modelsDir, catalog, engines: ['sherpa-tts-vits'] });
  const piper = await TTS_ENGINES[tts.engine]!(tts, { config, modelsDir });
  const sttModel = await resolveModel('stt', 'stt-substitute-whisper-tiny-en', 'en', { modelsDir, catalog, engines: ['onnx-whisper'] });
  const whisper: Stt = await STT_ENGINES[sttModel.engine]!(sttModel, { config, modelsDir });
  const confirms = async (samples: Float32Array) => {
    const { text } = await whisper.transcribe({ samples, sampleRate: RATE }, { language: 'en' });
    return matchWakeWord(text, 'kiwi', 'en', { policy: 'anywhere' }).matched;
  };

  console.log('making the positive clips…');
  const clips: Clip[] = await positives(piper);
  console.log(`${clips.length} command clips (${(clips.reduce((n, c) => n + c.samples.length, 0) / RATE / 60).toFixed(1)} min)`);
  const found: Record<string, boolean[]> = Object.fromEntries(SETTINGS.map((s) => [s.name, []]));
  for (const clip of clips) for (const s of SETTINGS) found[s.name]!.push((await detect(spotters[s.name]!, clip.samples)).length > 0);

  const missesOf = (name: string) => found[name]!.filter((h) => !h).length;
  const onSpeech = [...SETTINGS].sort((a, b) => missesOf(a.name) - missesOf(b.name)).slice(0, MEASURED_ON_SPEECH);
  console.log(`making ${hours} h of speech without the wake word; measuring ${onSpeech.map((s) => s.name).join(', ')} on it…`);
  const blocks = negativeBlocks(hours);
  const falseWakes: Record<string, Array<{ block: number; at: number }>> = Object.fromEntries(onSpeech.map((s) => [s.name, []]));
  let negSeconds = 0;
  const cpuStart = process.cpuUsage();
  for (const [b, block] of blocks.entries()) {
    const samples = resampleFile(block.file, RATE);
    negSeconds += samples.length / RATE;
    for (const s of onSpeech) for (const at of await detect(spotters[s.name]!, samples)) falseWakes[s.name]!.push({ block: b, at });
    console.log(`  block ${b + 1}/${blocks.length} (${block.voice}): ${onSpeech.map((s) => falseWakes[s.name]!.length).join(' ')}`);
  }
  const cpu = process.cpuUsage(cpuStart);
  const negHours = negSeconds / 3600;

  const groups = ['native', 'accented', 'piper'] as const;
  const settings = SETTINGS.map((s) => {
    const hits = found[s.name]!;
    const byGroup = Object.fromEntries(
      groups.map((g) => {
        const idx = clips.flatMap((c, i) => (c.group === g ? [i] : []));
        return [g, { clips: idx.length, miss_pct: pct(idx.filter((i) => !hits[i]).length, idx.length) }];
      }),
    );
    const native = clips.flatMap((c, i) => (c.group !== 'accented' ? [i] : []));
    return {
      setting: s.name,
      keywords: keywordsFile(s.lines.map((l) => ({ keyword: 'kiwi', ...l })), writer.table, writer.bpe).trim().split('\n'),
      miss_pct_all: pct(hits.filter((h) => !h).length, hits.length),
      miss_pct_native_and_piper: pct(native.filter((i) => !hits[i]).length, native.length),
      by_group: byGroup,
      false_wakes: falseWakes[s.name]?.length ?? null,
      false_wakes_per_hour: falseWakes[s.name] ? Math.round((1000 * falseWakes[s.name]!.length) / negHours) / 1000 : null,
    };
  });

  // The chosen setting: fewest misses among those within the false-wake budget, then two-stage on it.
  const measured = settings.filter((s) => s.false_wakes_per_hour !== null);
  const budget = measured.filter((s) => s.false_wakes_per_hour! <= 0.1);
  const chosen = (budget.length ? budget : measured).reduce((a, b) => (b.miss_pct_native_and_piper < a.miss_pct_native_and_piper ? b : a));
  console.log(`two-stage check on "${chosen.setting}"…`);
  const chosenHits = found[chosen.setting]!;
  let textFound = 0;
  let twoStageFound = 0;
  for (const [i, clip] of clips.entries()) {
    const heard = await confirms(clip.samples);
    if (heard) textFound += 1;
    if (heard && chosenHits[i]) twoStageFound += 1;
  }
  let confirmedFalse = 0;
  for (const fw of falseWakes[chosen.setting]!) {
    const samples = resampleFile(blocks[fw.block]!.file, RATE);
    if (await confirms(samples.subarray(Math.max(0, fw.at - 3 * RATE), fw.at + RATE))) confirmedFalse += 1;
  }
  piper.dispose();
  whisper.dispose();
  const perHour = (n: number) => Math.round((1000 * n) / negHours) / 1000;
  return {
    model: model.id,
    corpus: {
      command_clips: clips.length,
      commands: 'bench/wake-corpus.ts COMMANDS, each in every voice: clean, one sox variation (tempo 0.85/1.2, pitch ±300 cents, rotating), and with noise at 10 dB SNR',
      voices: 'espeak-ng native English voices and variants, English read by de/fr/es/it/ru/pl/hi espeak-ng voices (accented), Piper en_US-joe-medium',
      speech_without_wake_word_hours: Math.round(negHours * 100) / 100,
      speech_without_wake_word: 'Debian licence texts and README prose read by the same espeak-ng voices at 140-180 wpm, plus near-miss sentences (key west, cheeky, key we)',
    },
    kws_cpu_ms_per_audio_second: Math.round((cpu.user + cpu.system) / 1000 / (negSeconds * onSpeech.length) * 10) / 10,
    settings,
    chosen: chosen.setting,
    two_stage: {
      spotter_alone: { miss_pct: pct(chosenHits.filter((h) => !h).length, clips.length), false_wakes_per_hour: chosen.false_wakes_per_hour },
      transcript_alone: { miss_pct: pct(clips.length - textFound, clips.length), note: 'Whisper tiny.en on each clip, wake word matched anywhere' },
      spotter_then_transcript: { miss_pct: pct(clips.length - twoStageFound, clips.length), false_wakes_per_hour: perHour(confirmedFalse) },
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const result = { suite: 'wake', date: new Date().toISOString(), results: await runWakeBench() };
  fs.writeFileSync(path.join('bench', 'results', 'wake.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result.results, null, 2));
}
