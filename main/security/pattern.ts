import { normalizeText, spacingOf } from '../dialogue/commands/normalize.ts';

/**
 * Security patterns, as written in resources/locales/<lang>/security.json. Unlike command phrases
 * (which must be the whole utterance) a security pattern may match anywhere in it, at word
 * boundaries: "Kiwi, could you unlock the front door for me" is still unlocking the front door.
 *
 *   word            that word (case, punctuation and accents do not matter)
 *   stem~           any word that starts with "stem" (for languages that inflect: откр~ двер~)
 *   ~tail           any word that ends with "tail" (German compounds: ~tür is Tür, Haustür, Eingangstür)
 *   (a|b c)         one of the alternatives
 *   [a|b c]         optional: nothing, or one of the alternatives
 *   *               a gap of up to three words (up to eight characters in Chinese, Japanese, Korean)
 *   #               a number written with digits (also inside alternatives)
 *
 * Chinese, Japanese and Korean are matched without spaces (normalisation removes them), so their
 * patterns match inside words; `~` adds nothing there.
 */
export interface SecurityPattern {
  source: string;
  regex: RegExp;
}

const GAP_WORDS = 3;
const GAP_CHARS = 8;

type Token = { kind: 'choice'; options: string[]; optional: boolean } | { kind: 'gap' } | { kind: 'number' } | { kind: 'word'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      const end = source.indexOf(close, i + 1);
      if (end < 0) throw new Error(`'${c}' without '${close}'`);
      const inner = source.slice(i + 1, end);
      if (/[()[\]]/u.test(inner)) throw new Error(`nested brackets are not supported: '${source.slice(i, end + 1)}'`);
      const options = inner.split('|').map((o) => o.trim());
      if (options.some((o) => !o)) throw new Error(`empty alternative in '${source.slice(i, end + 1)}'`);
      tokens.push({ kind: 'choice', options, optional: c === '[' });
      i = end + 1;
      continue;
    }
    if (c === ')' || c === ']') throw new Error(`'${c}' without its opening bracket`);
    let end = i;
    while (end < source.length && !/[\s()[\]]/u.test(source[end]!)) end++;
    const word = source.slice(i, end);
    if (word === '*') tokens.push({ kind: 'gap' });
    else if (word === '#') tokens.push({ kind: 'number' });
    else tokens.push({ kind: 'word', text: word });
    i = end;
  }
  return tokens;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** Compile one pattern for one language; throws an Error naming the problem. */
export function compileSecurityPattern(source: string, language: string): SecurityPattern {
  const tokens = tokenize(source);
  const spaced = spacingOf(language) === 'words';
  /** A literal (possibly several words, each possibly a `stem~`) as a regex fragment. */
  const literal = (text: string): string => {
    const parts = text.split(/\s+/u).map((word) => {
      if (word === '#') return '\\d+';
      const head = word.startsWith('~') && word.length > 1;
      const stem = word.endsWith('~') && word.length > 1;
      const normal = normalizeText(word.slice(head ? 1 : 0, stem ? -1 : undefined), language);
      if (!normal) throw new Error(`'${word}' has no letters`);
      const open = head && spaced ? '\\S*' : '';
      return open + escape(normal).replace(/ /gu, '\\s') + (stem && spaced ? '\\S*' : '');
    });
    return parts.join(spaced ? '\\s' : '');
  };
  if (!tokens.some((t) => t.kind === 'word' || (t.kind === 'choice' && !t.optional))) {
    throw new Error('a pattern needs at least one word that must be said');
  }
  const sep = spaced ? '\\s' : '';
  let body = '';
  for (const token of tokens) {
    switch (token.kind) {
      case 'word':
        body += sep + literal(token.text);
        break;
      case 'number':
        body += `${sep}\\d+`;
        break;
      case 'gap':
        body += spaced ? `(?:\\s\\S+){0,${GAP_WORDS}}?` : `.{0,${GAP_CHARS}}?`;
        break;
      case 'choice': {
        const group = `${sep}(?:${token.options.map(literal).join('|')})`;
        body += token.optional ? `(?:${group})?` : group;
        break;
      }
    }
  }
  // Word languages: the text is padded with spaces, each word brings its leading space, and the
  // match must end at a word boundary ("unlock" does not match "unlocked").
  return { source, regex: new RegExp(spaced ? `${body}(?=\\s)` : body, 'u') };
}

/** The text patterns are matched against, normalised for `language` (padded with spaces where words are spaced). */
export function securityText(text: string, language: string): string {
  const normal = normalizeText(text, language);
  return spacingOf(language) === 'words' ? ` ${normal} ` : normal;
}
