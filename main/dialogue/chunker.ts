/**
 * Turns an LLM token stream into speakable chunks as soon as each sentence is complete, so the
 * first sentence is synthesized while the rest is still being written. The first chunk may even
 * end at its first clause (`firstClauseChars`), so speech starts before the first full stop.
 *
 * A sentence ends at . ! ? … (followed by a space) or at 。！？ । ॥ ؟ ۔ (no space needed), after any
 * closing quotes or brackets, and at a line break (markdown headings and list items have no final
 * punctuation). A period is not an end in decimals (3.14), times (10.30), domains, after an
 * abbreviation of the language (Mr., z.B., т.е., p.ej.), after an initial (J. R. R.), after a list
 * number at the start of a line, or when the next word starts with a lower-case letter (e.g. this).
 * Deciding needs the character after the space, so a sentence is released one token late.
 *
 * Sizes are weighted (a CJK character counts as two Latin ones): a sentence shorter than
 * `minChars` waits and joins the next; a run longer than `maxChars` (`firstMaxChars` for the first
 * chunk, so speech starts early) is split at its last sentence end, else a comma-like mark, else
 * a space; text without spaces (CJK) may be cut anywhere, Latin text never inside a word unless it
 * runs on for three times the limit (a giant URL).
 */

export interface ChunkerOptions {
  language: string;
  minChars?: number;
  maxChars?: number;
  firstMaxChars?: number;
  /**
   * The first chunk may end at a clause (a comma, semicolon, colon or dash before a space) once
   * it is this long, so speech starts before the first whole sentence is written; 0 turns it off.
   */
  firstClauseChars?: number;
}

const ABBREVIATIONS: Record<string, string[]> = {
  en: ['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'vs', 'e.g', 'i.e', 'cf', 'approx', 'u.s', 'u.k', 'fig'],
  ru: ['т.е', 'т.к', 'т.н', 'т.ч', 'ул', 'проф', 'д-р', 'им', 'см', 'стр', 'напр', 'рис', 'тыс', 'млн', 'млрд', 'пр'],
  de: ['z.b', 'd.h', 'u.a', 'bzw', 'ca', 'dr', 'prof', 'hr', 'fr', 'nr', 'str', 'evtl', 'ggf', 'inkl', 'vgl', 's', 'u.u', 'o.ä', 'z.t', 'sog', 'bspw', 'geb', 'jh'],
  es: ['sr', 'sra', 'srta', 'dr', 'dra', 'ud', 'uds', 'p.ej', 'aprox', 'av', 'pág', 'núm', 'lic', 'ing', 'prof', 'sres', 'ee.uu'],
  pt: ['sr', 'sra', 'dr', 'dra', 'prof', 'profa', 'av', 'pág', 'p.ex', 'aprox', 'v.exa', 'n.º'],
  fr: ['mme', 'mlle', 'dr', 'pr', 'p.ex', 'c.-à-d', 'av', 'env', 'cf', 'vol', 'éd', 'st', 'ste'],
  it: ['sig', 'sigg', 'sig.ra', 'dott', 'dott.ssa', 'prof', 'ing', 'avv', 'arch', 'es', 'pag', 'p.es', 'cfr', 'ca'],
  tr: ['dr', 'prof', 'doç', 'sn', 'bkz', 'örn', 'yy', 'av', 'alb', 'yrd'],
  pl: ['np', 'tzn', 'tj', 'dr', 'prof', 'mgr', 'inż', 'ul', 'al', 'm.in', 'ok', 'godz', 'tys', 'mln', 'mld', 'nr', 'str', 'wg', 'ds', 'gen', 'płk', 'ks'],
  id: ['dr', 'prof', 'ir', 'no', 'dsb', 'yth', 'bpk', 'sdr', 'jl', 'kab', 'kec', 'drs', 'hlm', 'tsb', 'dkk'],
};
/** The Latin-script titles everyone writes, checked in every language (English replies happen). */
const COMMON = ['mr', 'mrs', 'ms', 'dr', 'prof', 'e.g', 'i.e', 'vs'];
const abbreviationSets = new Map<string, Set<string>>();
function abbreviationsFor(language: string): Set<string> {
  let set = abbreviationSets.get(language);
  if (!set) abbreviationSets.set(language, (set = new Set([...COMMON, ...(ABBREVIATIONS[language] ?? [])])));
  return set;
}

/** Ends a sentence only before whitespace. */
const SPACED_ENDS = new Set(['.', '!', '?', '…']);
/** Ends a sentence wherever it stands (CJK, Devanagari danda, Arabic question mark, Urdu full stop). */
const WHOLE_ENDS = new Set(['。', '！', '？', '｡', '।', '॥', '؟', '۔']);
const CLOSERS = new Set([')', ']', '}', '"', "'", '”', '’', '»', '」', '』', '）', '】', '〉', '》', '*', '_', '`', '~']);
const QUOTES = new Set(['」', '』', '”', '"', '’', '»']);
/** Where a long run may be split, when followed by a space. */
const SOFT = new Set([',', ';', ':', '—', '–', '،', '؛']);
/** Where a long run may be split even without a space (CJK punctuation). */
const SOFT_TIGHT = new Set(['、', '，', '；', '：']);
/** Cuts German writes after ordinal numbers ("am 3. Mai"). */
const ORDINAL_DOT_LANGUAGES = new Set(['de']);

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const weightOf = (c: string) => (WIDE.test(c) ? 2 : 1);

function weight(text: string): number {
  let w = 0;
  for (const c of text.trim()) w += weightOf(c);
  return w;
}

export class SentenceChunker {
  readonly #language: string;
  readonly #min: number;
  readonly #max: number;
  readonly #firstMax: number;
  readonly #firstClause: number;
  #buffer = '';
  #emitted = 0;
  /** The buffer starts at the beginning of a line (for list numbers like "1."). */
  #atLineStart = true;
  /** The last chunk was cut out of a giant run without spaces: keep cutting it in pieces. */
  #hardCutting = false;

  constructor(options: ChunkerOptions) {
    this.#language = options.language;
    this.#min = options.minChars ?? 12;
    this.#max = options.maxChars ?? 180;
    this.#firstMax = Math.min(options.firstMaxChars ?? 90, this.#max);
    this.#firstClause = options.firstClauseChars ?? 30;
  }

  /** Add streamed text; returns the chunks it completed. */
  push(text: string): string[] {
    this.#buffer += text;
    return this.#drain(false);
  }

  /** End of the stream: everything left, as chunks. */
  flush(): string[] {
    return this.#drain(true);
  }

  #drain(final: boolean): string[] {
    const out: string[] = [];
    for (;;) {
      const limit = this.#emitted === 0 ? this.#firstMax : this.#max;
      const ends = this.#scan(final);
      const end = ends.find((e) => weight(this.#buffer.slice(0, e)) >= this.#min);
      if (end !== undefined) {
        this.#hardCutting = false;
        this.#take(weight(this.#buffer.slice(0, end)) <= limit ? end : (this.#splitPoint(end, limit, ends) ?? end), out);
        continue;
      }
      const clause = this.#emitted === 0 && !final ? this.#clauseEnd() : null;
      if (clause !== null) {
        this.#take(clause, out);
        continue;
      }
      if (weight(this.#buffer) > limit) {
        const cut = this.#splitPoint(this.#buffer.length, limit, ends);
        if (cut !== null) {
          this.#take(cut, out);
          continue;
        }
      }
      if (final && this.#buffer.trim()) {
        this.#take(this.#buffer.length, out);
        continue;
      }
      return out;
    }
  }

  #take(index: number, out: string[]): void {
    const consumed = this.#buffer.slice(0, index);
    const chunk = consumed.trim();
    const rest = this.#buffer.slice(index);
    const lead = /^\s*/.exec(rest)![0];
    this.#buffer = rest.slice(lead.length);
    this.#atLineStart = lead.includes('\n') || /\n\s*$/.test(consumed) || (this.#atLineStart && !chunk);
    if (chunk) {
      out.push(chunk);
      this.#emitted++;
    }
  }

  /** Just after the first clause mark (followed by a space, or a CJK one) that ends a long enough first chunk. */
  #clauseEnd(): number | null {
    if (this.#firstClause <= 0) return null;
    const text = this.#buffer;
    for (let i = 0; i < text.length - 1; i++) {
      const c = text[i]!;
      const mark = SOFT_TIGHT.has(c) || (SOFT.has(c) && isSpace(text[i + 1]));
      if (mark && weight(text.slice(0, i + 1)) >= this.#firstClause) return i + 1;
    }
    return null;
  }

  /** The indices just after every sentence end in the buffer that can be decided now. */
  #scan(final: boolean): number[] {
    const text = this.#buffer;
    const ends: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '\n') {
        ends.push(i + 1);
        continue;
      }
      const whole = WHOLE_ENDS.has(c);
      if (!whole && !SPACED_ENDS.has(c)) continue;
      let j = i + 1;
      while (j < text.length && (SPACED_ENDS.has(text[j]!) || WHOLE_ENDS.has(text[j]!))) j++;
      const runEnd = j;
      while (j < text.length && CLOSERS.has(text[j]!)) j++;
      if (j >= text.length) {
        if (final) ends.push(j);
        return ends;
      }
      if (whole) {
        // 「元気ですか？」と聞いた / “你好！”然后: a quoted question inside a sentence goes on.
        if (j > runEnd && /\p{L}/u.test(text[j]!) && QUOTES.has(text[j - 1]!)) {
          i = j - 1;
          continue;
        }
        ends.push(j);
        i = j - 1;
        continue;
      }
      if (!isSpace(text[j])) {
        i = runEnd - 1; // 3.14, example.com, "?)" followed by more text
        continue;
      }
      let k = j;
      while (k < text.length && (text[k] === ' ' || text[k] === '\t' || text[k] === '\u00a0')) k++;
      if (k >= text.length) {
        if (final) ends.push(j);
        return ends;
      }
      if (text[k] !== '\n' && !this.#endsSentence(text, i, runEnd, text[k]!)) {
        i = k - 1;
        continue;
      }
      ends.push(j);
      i = j - 1;
    }
    return ends;
  }

  /** Whether the terminator run text[i..runEnd) ends a sentence, given the next word's first letter. */
  #endsSentence(text: string, i: number, runEnd: number, next: string): boolean {
    const run = text.slice(i, runEnd);
    if (/[!?]/.test(run)) return true;
    if (isLower(next)) return false; // "e.g. this", "approx. ten", "Well... maybe"
    if (run !== '.') return true; // an ellipsis before a capital
    let start = i;
    while (start > 0 && !isSpace(text[start - 1]) && !'([{«"“'.includes(text[start - 1]!)) start--;
    const word = text.slice(start, i).replace(/^[*_`'"“«([]+/, '').toLocaleLowerCase(this.#language);
    if (!word) return true;
    if (abbreviationsFor(this.#language).has(word)) return false;
    if (/^\p{L}$/u.test(word)) return false; // an initial: J. R. R. Tolkien
    if (/^\d{1,3}$/.test(word)) {
      const lineStart = start === 0 ? this.#atLineStart : text[start - 1] === '\n' || /\n[ \t]*$/.test(text.slice(0, start));
      if (lineStart) return false; // "1. First step" in a list
      if (ORDINAL_DOT_LANGUAGES.has(this.#language)) return false; // "am 3. Mai"
    }
    return true;
  }

  /**
   * Where to cut text[0..end) so the first part weighs at most `limit` (and at least the minimum):
   * the last sentence end, else the last comma-like mark, else the last space; CJK text anywhere.
   */
  #splitPoint(end: number, limit: number, sentenceEnds: number[]): number | null {
    const text = this.#buffer;
    let best: { rank: number; at: number } | null = null;
    const consider = (rank: number, at: number) => {
      if (!best || rank > best.rank || (rank === best.rank && at > best.at)) best = { rank, at };
    };
    let w = 0;
    let hardCut = -1;
    for (let i = 0; i < end; i++) {
      const c = text[i]!;
      w += weightOf(c);
      if (w > limit) break;
      hardCut = i + 1;
      if (w < this.#min) continue;
      if (sentenceEnds.includes(i + 1)) consider(4, i + 1);
      else if (SOFT_TIGHT.has(c) || (SOFT.has(c) && isSpace(text[i + 1]))) consider(3, i + 1);
      else if (isSpace(c)) consider(2, i);
      else if (WIDE.test(c) && WIDE.test(text[i + 1] ?? '')) consider(1, i + 1);
    }
    const chosen = best as { rank: number; at: number } | null;
    const continuing = this.#hardCutting;
    this.#hardCutting = false;
    if (chosen) return chosen.at;
    // No place to cut politely: only a run far beyond the limit (a giant URL) is cut mid-word.
    if ((continuing || weight(text.slice(0, end)) > limit * 3) && hardCut > 0) {
      this.#hardCutting = true;
      const code = text.charCodeAt(hardCut - 1);
      return code >= 0xd800 && code <= 0xdbff ? hardCut - 1 : hardCut; // never split a surrogate pair
    }
    return null;
  }
}

/** Chunk a token stream into sentences as they complete. */
export async function* chunkSentences(tokens: AsyncIterable<string>, options: ChunkerOptions): AsyncGenerator<string> {
  const chunker = new SentenceChunker(options);
  for await (const token of tokens) yield* chunker.push(token);
  yield* chunker.flush();
}
