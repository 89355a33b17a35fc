import fs from 'node:fs';
import path from 'node:path';
import { CACHE, COMMAND_HEARD, COMMANDS } from './wake-corpus.ts';
import { DEFAULT, commandClips, pct, wakes } from './wake-levers.ts';
import type { RawUtterance } from './wake-two-stage.ts';

/**
 * Where the wake misses fall: Kiwi's default on the fresh sets' commands, split by whether Whisper
 * tiny.en got the command itself right ("what time is it", "stop", …; COMMAND_HEARD), i.e. whether
 * waking would have served the speaker. A lens beside the miss rate, not a replacement for it.
 */
export function judgeUnderstood(part: 'fresh' | 'fresh2') {
  const utterances = JSON.parse(fs.readFileSync(path.join(CACHE, `raw-${part}.json`), 'utf8')) as RawUtterance[];
  const rule = wakes(DEFAULT);
  const clips = commandClips(utterances);
  // positives() makes two clips (clean, one variation) per command per voice, in COMMANDS order: the stream index says which.
  const perVoice = 2 * COMMANDS.length;
  const voices = new Map<string, number>();
  for (const c of clips) voices.set(c.first.voice, (voices.get(c.first.voice) ?? 0) + 1);
  if ([...voices.values()].some((n) => n !== perVoice)) throw new Error(`expected ${perVoice} clips per voice in raw-${part}.json (a run with KIWI_WAKE_BENCH_NOISE has more)`);
  const rows = clips.map((c) => {
    const index = Number(c.first.stream.split('-').at(-1));
    const heard = COMMAND_HEARD[Math.floor((index % perVoice) / 2)]!.test(c.us.map((u) => u.transcript ?? '').join(' '));
    return { group: c.first.group, heard, missed: !c.us.some(rule) };
  });
  const tally = (keep: (r: (typeof rows)[number]) => boolean) => {
    const all = rows.filter(keep);
    const heard = all.filter((r) => r.heard);
    return {
      clips: all.length,
      missed_pct: pct(all.filter((r) => r.missed).length, all.length),
      command_heard: heard.length,
      missed_pct_where_command_heard: pct(heard.filter((r) => r.missed).length, heard.length),
      missed_pct_where_command_not_heard: pct(all.filter((r) => !r.heard && r.missed).length, all.length - heard.length),
    };
  };
  return { all: tally(() => true), ...Object.fromEntries([...new Set(rows.map((r) => r.group))].map((g) => [g, tally((r) => r.group === g)])) };
}
