import fs from 'node:fs';
import path from 'node:path';
import { CACHE, ESPEAK_VOICES, prose } from './wake-corpus.ts';
import { DEFAULT, leverText, wakes } from './wake-levers.ts';
import type { ProseShard } from './wake-two-stage.ts';

/**
 * The upper end of the one-sided 95 % interval of a Poisson rate: the largest mean under which
 * seeing `events` or fewer still has a 5 % chance (0 events in 30 h: 3.0 / 30 = 0.1 per hour).
 */
export function poissonUpper95(events: number): number {
  const atMost = (mean: number) => {
    let term = Math.exp(-mean);
    let sum = term;
    for (let i = 1; i <= events; i += 1) sum += term *= mean / i;
    return sum;
  };
  let low = events;
  let high = events + 10 + 5 * Math.sqrt(events + 1);
  while (high - low > 1e-6) {
    const mid = (low + high) / 2;
    if (atMost(mid) > 0.05) low = mid;
    else high = mid;
  }
  return high;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * False wakes of Kiwi's default on the long prose run (raw-prose-<shard>.json, written by
 * `KIWI_WAKE_BENCH_KIWI_ONLY=1 bench/wake-two-stage.ts prose`): per hour, with the 95 % upper
 * bound the hours heard can show, and how often the spotter alone proposed.
 */
export function judgeProse() {
  const shards = fs
    .readdirSync(CACHE)
    .filter((f) => /^raw-prose-\d+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(CACHE, f), 'utf8')) as ProseShard);
  const blocks = shards.flatMap((s) => s.blocks);
  const utterances = shards.flatMap((s) => s.utterances);
  const hours = blocks.reduce((n, b) => n + b.seconds, 0) / 3600;
  const woke = utterances.filter(wakes(DEFAULT));
  const words = prose().reduce((n, s) => n + s.split(' ').length, 0);
  return {
    note: `Kiwi's default wake ("${DEFAULT.name}": its keyword sets in both views, the transcript by Whisper tiny.en may open with "Kiwi" and confirms) on long stretches of prose without the word. The text repeats after about ${round(words / 160 / 60, 1)} h (Debian licence texts and node_modules READMEs, ${words} words), read again by other voices at other speeds.`,
    voices: `${[...ESPEAK_VOICES.native, ...ESPEAK_VOICES.accented].join(', ')} in turn, one 180 s block each, 140–180 wpm`,
    hours: round(hours, 2),
    blocks: blocks.length,
    spotter_proposals_per_hour: round(utterances.reduce((n, u) => n + u.hits.length, 0) / hours, 1),
    false_wakes: woke.length,
    false_wakes_per_hour: round(woke.length / hours),
    false_wakes_per_hour_upper_95: round(poissonUpper95(woke.length) / hours),
    woke_on: woke.map((u) => `${u.voice}: ${leverText(u, -5).slice(0, 80)}`),
  };
}
