/**
 * Text → sentences for synthesis one at a time: the first one is heard sooner, and an abort
 * (barge-in) takes effect between sentences instead of after the whole text. Overlong sentences
 * are cut at a comma or space so no single model run is long.
 */

const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'vs', 'etc', 'e.g', 'i.e', 'no', 'jr', 'sr', 'approx', 'a.m', 'p.m']);

/** Sentence ends: . ! ? … and ; followed by a space, and the CJK full stops anywhere. */
const END = /([.!?…;]+["')\]]*)(\s+)|([。！？；]+)/g;

export function splitSentences(text: string, maxChars = 220): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n\s*\n|\r?\n(?=\s*[-*•\d])/)) {
    const flat = line.replace(/\s+/g, ' ').trim();
    if (!flat) continue;
    let start = 0;
    END.lastIndex = 0;
    for (let m = END.exec(flat); m; m = END.exec(flat)) {
      const end = m.index + (m[1] ?? m[3] ?? '').length;
      if (m[1]?.startsWith('.') && isAbbreviation(flat.slice(start, m.index))) continue;
      out.push(flat.slice(start, end));
      start = end;
    }
    out.push(flat.slice(start));
  }
  return out
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s))
    .flatMap((s) => cut(s, maxChars));
}

/** "Dr" before a period, or a single initial ("J. Smith"), does not end a sentence. */
function isAbbreviation(before: string): boolean {
  const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
  return ABBREVIATIONS.has(word) || /^\p{Lu}$/u.test(/(\p{L}+)$/u.exec(before)?.[1] ?? '');
}

function cut(sentence: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const at = Math.max(window.lastIndexOf(', '), window.lastIndexOf(': '), window.lastIndexOf(' – '), window.lastIndexOf('、'));
    const split = at > maxChars / 3 ? at + 1 : window.lastIndexOf(' ') > maxChars / 3 ? window.lastIndexOf(' ') : maxChars;
    parts.push(rest.slice(0, split).trim());
    rest = rest.slice(split).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}
