import { normalizeText, spacingOf } from './normalize.ts';

/**
 * Command phrases, as written in resources/locales/<lang>/commands.json:
 *   plain words             must be said (case, punctuation and accents do not matter)
 *   {slot}                  captures words: {soul}, {language} or {name}
 *   [a|b c]                 optional: nothing, "a" or "b c"
 *   (a|b c)                 one of the alternatives
 * A phrase matches the whole utterance (after filler words are trimmed), never a part of it,
 * so "don't stop the music" is not "stop".
 */

type Item =
  | { kind: 'text'; text: string; spaceBefore: boolean }
  | { kind: 'choice'; options: string[]; optional: boolean; spaceBefore: boolean }
  | { kind: 'slot'; name: string; spaceBefore: boolean };

export interface CompiledPhrase {
  source: string;
  regex: RegExp;
  slots: string[];
}

const SLOT_NAME = /^[a-z_]+$/;

/** Whitespace, or punctuation that normalisation turns into whitespace (brackets are syntax, not gaps). */
const isGap = (c: string) => /\s/.test(c) || (/\p{P}/u.test(c) && !'{[()]}'.includes(c));

function parse(source: string): Item[] {
  const items: Item[] = [];
  let i = 0;
  let spaceBefore = true;
  let text = '';
  const flushText = () => {
    if (text.trim()) items.push({ kind: 'text', text, spaceBefore });
    text = '';
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '{' || c === '[' || c === '(') {
      const close = { '{': '}', '[': ']', '(': ')' }[c];
      const end = source.indexOf(close, i + 1);
      if (end < 0) throw new Error(`'${c}' without '${close}'`);
      const inner = source.slice(i + 1, end);
      if (/[{}[\]()]/.test(inner)) throw new Error(`nested brackets are not supported: '${source.slice(i, end + 1)}'`);
      // Punctuation next to a bracket counts as a space: normalisation turns it into one ("bloque-{x}").
      const spaced = text.length > 0 ? isGap(text[text.length - 1]!) : spaceBefore;
      flushText();
      if (c === '{') {
        if (!SLOT_NAME.test(inner)) throw new Error(`bad slot name '{${inner}}'`);
        items.push({ kind: 'slot', name: inner, spaceBefore: spaced });
      } else {
        const options = inner.split('|').map((o) => o.trim());
        if (options.some((o) => !o)) throw new Error(`empty alternative in '${source.slice(i, end + 1)}'`);
        items.push({ kind: 'choice', options, optional: c === '[', spaceBefore: spaced });
      }
      i = end + 1;
      spaceBefore = isGap(source[i] ?? ' ');
      continue;
    }
    if (c === '}' || c === ']' || c === ')') throw new Error(`'${c}' without its opening bracket`);
    if (!text && isGap(c)) spaceBefore = true;
    text += c;
    i++;
  }
  flushText();
  // The first item always follows the padding space the matcher puts in front of the utterance.
  if (items[0]) items[0].spaceBefore = true;
  return items;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compile a phrase for one language; throws an Error that names the problem. */
export function compilePhrase(source: string, language: string): CompiledPhrase {
  const items = parse(source);
  if (items.length === 0) throw new Error('empty phrase');
  const words = spacingOf(language) === 'words';
  const literal = (s: string) => {
    const normal = normalizeText(s, language);
    if (!normal) throw new Error(`'${s}' has no letters`);
    return escape(normal).replace(/ /g, '\\s');
  };
  const slots: string[] = [];
  let body = '';
  for (const item of items) {
    const sep = words && item.spaceBefore ? '\\s' : '';
    if (item.kind === 'text') body += sep + literal(item.text);
    else if (item.kind === 'slot') {
      if (slots.includes(item.name)) throw new Error(`slot {${item.name}} appears twice`);
      slots.push(item.name);
      body += `${sep}(?<${item.name}>.+?)`;
    } else {
      const group = `${sep}(?:${item.options.map(literal).join('|')})`;
      body += item.optional ? `(?:${group})?` : group;
    }
  }
  if (slots.length === 0 && items.every((item) => item.kind === 'choice' && item.optional)) {
    throw new Error('a phrase needs at least one word that must be said');
  }
  return { source, regex: new RegExp(`^${body}$`, 'u'), slots };
}

/** The text a compiled phrase is matched against: normalised, with the padding space of word languages. */
export function matchableText(text: string, language: string): string {
  const normal = normalizeText(text, language);
  return spacingOf(language) === 'words' ? ` ${normal}` : normal;
}
