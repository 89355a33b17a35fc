import { spacingOf } from '../../dialogue/commands/normalize.ts';
import { prepareText } from './prepare.ts';

/** One spelled-out form of a clock idiom: literal words and the {h} / {m} slots, in order. */
export type IdiomItem = { slot: 'h' | 'm' } | { literal: string };

export interface Idiom {
  variants: IdiomItem[][];
  /** Minutes past the hour, or 'm' for the {m} slot. */
  minute: number | 'm';
  /** The minutes are before the hour: "quarter to eight" is 7:45. */
  before: boolean;
  source: string;
}

const MAX_VARIANTS = 64;

/**
 * Expand an idiom pattern ("[it's] quarter (to|till) {h}") into every form it allows. Syntax as
 * in command phrases: [a|b] optional, (a|b) one of, {h}/{m} slots.
 */
export function compileIdiom(pattern: string, language: string, minute: number | 'm', before = false): Idiom {
  const pieces: Array<{ options: string[]; optional: boolean } | { slot: 'h' | 'm' }> = [];
  const re = /\{(h|m)\}|\[([^\]]+)\]|\(([^)]+)\)|([^[({]+)/g;
  for (const m of pattern.matchAll(re)) {
    if (m[1]) pieces.push({ slot: m[1] as 'h' | 'm' });
    else if (m[2] !== undefined) pieces.push({ options: m[2].split('|'), optional: true });
    else if (m[3] !== undefined) pieces.push({ options: m[3].split('|'), optional: false });
    else if (m[4]!.trim()) pieces.push({ options: [m[4]!], optional: false });
  }
  if (!pieces.some((p) => 'slot' in p && p.slot === 'h')) throw new Error(`clock idiom '${pattern}' needs {h}`);
  if (minute === 'm' && !pieces.some((p) => 'slot' in p && p.slot === 'm')) throw new Error(`clock idiom '${pattern}' needs {m}`);
  let variants: IdiomItem[][] = [[]];
  for (const piece of pieces) {
    if ('slot' in piece) {
      variants = variants.map((v) => [...v, { slot: piece.slot }]);
      continue;
    }
    const choices = piece.options.map((o) => prepareText(o, language)).filter(Boolean);
    const next: IdiomItem[][] = [];
    for (const v of variants) {
      if (piece.optional) next.push(v);
      for (const c of choices) next.push([...v, { literal: c }]);
    }
    variants = next;
    if (variants.length > MAX_VARIANTS) throw new Error(`clock idiom '${pattern}' has too many forms`);
  }
  // Adjacent words form one literal, so "e mezza" matches whether the tokenizer split it or not.
  const joiner = spacingOf(language) === 'words' ? ' ' : '';
  const merged = variants.map((items) =>
    items.reduce<IdiomItem[]>((out, item) => {
      const last = out[out.length - 1];
      if ('literal' in item && last && 'literal' in last) out[out.length - 1] = { literal: last.literal + joiner + item.literal };
      else out.push(item);
      return out;
    }, []),
  );
  return { variants: merged, minute, before, source: pattern };
}

/** The literal words of an idiom, for the lexicon. */
export function idiomWords(idiom: Idiom, spaced: boolean): string[] {
  const literals = idiom.variants.flatMap((v) => v.flatMap((item) => ('literal' in item ? [item.literal] : [])));
  return [...new Set(spaced ? literals.flatMap((l) => l.split(' ')) : literals)];
}
