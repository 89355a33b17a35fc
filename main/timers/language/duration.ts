import { has, meaning, type Token } from './lexicon.ts';
import { numberReadings } from './numbers.ts';
import type { Unit } from './locale.ts';

export const UNIT_MS: Record<Unit, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface DurationMatch {
  end: number;
  ms: number;
}

/** The longest duration starting at token `i` ("1 hour and 30 minutes", "an hour and a half", "полчаса"). */
export function durationAt(tokens: readonly Token[], i: number): DurationMatch | null {
  let best: DurationMatch | null = null;
  let total = 0;
  let j = i;
  for (let parts = 0; parts < 4; parts++) {
    let start = j;
    if (parts > 0 && has(tokens[j], 'duration_joiner')) start = j + 1;
    const part = componentAt(tokens, start);
    if (!part) break;
    total += part.ms;
    j = part.end;
    best = { end: j, ms: total };
  }
  return best;
}

/** One amount and unit: "10 minutes", "two and a half hours", "hour" (one), "一个半小时". */
function componentAt(tokens: readonly Token[], i: number): DurationMatch | null {
  const candidates: DurationMatch[] = [];
  const amounts: Array<{ end: number; value: number }> = [];
  const fraction = meaning(tokens[i], 'fraction');
  if (fraction) amounts.push({ end: i + 1, value: fraction.value });
  if (has(tokens[i], 'half_before_number')) {
    for (const r of numberReadings(tokens, i + 1)) amounts.push({ end: r.end, value: r.value + 0.5 });
  }
  for (const r of numberReadings(tokens, i)) amounts.push({ end: r.end, value: r.value });
  amounts.push({ end: i, value: 1 }); // a unit alone is one of it ("через час", "in an hour" has "an")

  const unitAmount = meaning(tokens[i], 'unit_amount');
  if (unitAmount) candidates.push(withHalf(tokens, i + 1, unitAmount.amount * UNIT_MS[unitAmount.unit], UNIT_MS[unitAmount.unit]));

  for (const amount of amounts) {
    let j = amount.end;
    let value = amount.value;
    // Between number and unit: a counting word (个) and/or "and a half" (一个半小时, "two and a half hours").
    for (let step = 0; step < 2; step++) {
      if (has(tokens[j], 'classifier')) j++;
      else if (j > i && has(tokens[j], 'half_after_number') && Number.isInteger(value)) {
        value += 0.5;
        j++;
      }
    }
    const unit = meaning(tokens[j], 'unit');
    if (!unit) continue;
    candidates.push(withHalf(tokens, j + 1, value * UNIT_MS[unit.unit], UNIT_MS[unit.unit]));
    // "1 h 30", "2 hours 15": minutes after the hours without their unit, at the end of the duration.
    if (unit.unit === 'hour') {
      for (const minutes of numberReadings(tokens, j + 1)) {
        if (minutes.value < 60 && !has(tokens[minutes.end], 'unit')) candidates.push({ end: minutes.end, ms: value * UNIT_MS.hour + minutes.value * UNIT_MS.minute });
      }
    }
  }
  return candidates.sort((a, b) => b.end - a.end)[0] ?? null;
}

/** "an hour and a half", "1時間半": half of the unit after it. */
function withHalf(tokens: readonly Token[], j: number, ms: number, unitMs: number): DurationMatch {
  if (has(tokens[j], 'half_after_unit')) return { end: j + 1, ms: ms + unitMs / 2 };
  return { end: j, ms };
}

/** The whole token list as one duration, or null. */
export function parseDuration(tokens: readonly Token[]): number | null {
  const found = durationAt(tokens, 0);
  return found && found.end === tokens.length && found.ms > 0 ? Math.round(found.ms) : null;
}
