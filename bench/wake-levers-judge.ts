import fs from 'node:fs';
import path from 'node:path';
import { CACHE } from './wake-corpus.ts';
import { FRESH_VOICES_2 } from './wake-fresh-voices-2.ts';
import { DEFAULT, LEVERS, PICKED, falseWakes, leverText, misses, wakes } from './wake-levers.ts';
import type { RawUtterance } from './wake-two-stage.ts';

const read = <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(CACHE, name), 'utf8')) as T;
const has = (name: string) => fs.existsSync(path.join(CACHE, name));
/** A raw run's utterances, or those of the clips a run stopped early had finished (it writes them as it goes). */
const raw = (part: string): { utterances: RawUtterance[]; complete: boolean } =>
  has(`raw-${part}.json`) ? { utterances: read(`raw-${part}.json`), complete: true } : { utterances: read(`raw-${part}.partial.json`), complete: false };

/** 16-bit mono 16 kHz WAV (wake-corpus.ts writes them with sox): its length from its size. */
const wavSeconds = (file: string) => (fs.statSync(file).size - 44) / 2 / 16000;

/** The speech corpus's run: the whole of it, or the blocks a run stopped early had finished (it writes them as it goes). */
function speechRun() {
  if (has('raw-speech.json')) {
    const blocks = read<{ blocks: Array<{ file: string; seconds: number }> }>('raw-speech-seconds.json').blocks;
    return { speech: read<RawUtterance[]>('raw-speech.json'), proseSeconds: blocks.filter((b) => !b.file.endsWith('near-miss.wav')).reduce((n, b) => n + b.seconds, 0), complete: true };
  }
  const speech = read<RawUtterance[]>('raw-speech.partial.json');
  const prose = [...new Set(speech.map((u) => u.stream))].filter((s) => s !== 'near-miss');
  return { speech, proseSeconds: prose.reduce((n, s) => n + wavSeconds(path.join(CACHE, 'neg', `${s}.wav`)), 0), complete: false };
}

/**
 * Session 25's levers judged on the tune voices (the first fresh set: raw-fresh.json, and the old
 * command voices when raw-commands.json is there) and the speech corpus; with `heldOut`, Kiwi's
 * default and the rule's pick on the second fresh set (raw-fresh2.json), judged once, after the
 * pick (wake-levers.ts PICKED) was fixed.
 */
export function judgeLevers(heldOut: boolean) {
  const fresh = raw('fresh');
  const tune = [...(has('raw-commands.json') ? read<RawUtterance[]>('raw-commands.json') : []), ...fresh.utterances];
  const { speech, proseSeconds, complete } = speechRun();
  return {
    note: `Levers on the two causes of the first fresh set's misses, chosen on the tune voices only (${has('raw-commands.json') ? 'the old command voices and ' : ''}the first fresh set, a tune set since session 25) and the speech corpus; raw runs with KIWI_WAKE_BENCH_LEAN=1. Kiwi's default (unchanged): "${DEFAULT.name}"; the rule's pick, not adopted (one clip more for two more spotter streams): "${PICKED.name}".`,
    tune_sets: has('raw-commands.json') ? 'bench/wake-corpus.ts voices and bench/wake-fresh-voices.ts' : 'bench/wake-fresh-voices.ts (the old command voices were not rerun this session)',
    tune_run: fresh.complete ? 'complete' : 'stopped early: the clips of the first fresh set it had finished',
    prose_hours: Math.round(proseSeconds / 36) / 100,
    speech_run: complete ? 'complete' : 'stopped early: the blocks it finished (the near-miss block first, then prose)',
    levers: LEVERS.map((lever) => {
      const rule = wakes(lever);
      return { lever: lever.name, tune: misses(tune, rule), false_wakes: falseWakes(speech, proseSeconds, rule, (u) => leverText(u, lever.opening)) };
    }),
    fresh_held_out_2: heldOut
      ? {
          note: 'the honest held-out number: voices frozen in bench/wake-fresh-voices-2.ts before any result on them; judged once, after the rule\'s pick was fixed on the tune voices.',
          run: raw('fresh2').complete ? 'complete' : 'stopped early: the clips it had finished (native voices first, then accented)',
          voices: `native ${FRESH_VOICES_2.native.join(', ')}; accented ${FRESH_VOICES_2.accented.join(', ')}`,
          rules: [DEFAULT, PICKED].map((lever) => ({ lever: lever.name, ...misses(raw('fresh2').utterances, wakes(lever)) })),
        }
      : null,
  };
}
