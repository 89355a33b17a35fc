/**
 * Turns LLM text (usually markdown) into what a voice should say: structure marks, emphasis,
 * link targets, emoji and code are not read out. It works chunk by chunk on the chunker's output
 * and remembers whether it is inside a fenced code block, which spans many chunks: a code block
 * becomes one short spoken mention; its lines are dropped.
 */

export interface SpeakableOptions {
  language: string;
  /** Said once in place of each fenced code block (localized by the caller). */
  codeMention?: string;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const TABLE_ROW = /^\s*\|(.*)\|\s*$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const QUOTE = /^\s{0,3}(>\s?)+/;
const BULLET = /^\s*(?:[-*+•●▪◦]\s+)(?:\[[ xX]\]\s+)?/;
const NUMBERED = /^\s*(\d{1,3})[.)]\s+/;
/** Ends of sentences, so a heading or list item that lacks one gets a pause. */
const FINAL_PUNCTUATION = /[.!?…。！？।॥؟۔:;,，、]$/;
/** A long inline code span is a command or code, not a word: it is mentioned, not read. */
const MAX_INLINE_CODE = 40;

// Alternatives, not one character class: modifiers, joiners and keycaps are combining characters.
const EMOJI = /\p{Extended_Pictographic}|[\u{1F1E6}-\u{1F1FF}]|[\u{1F3FB}-\u{1F3FF}]|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|[\u{E0020}-\u{E007F}]/gu;
const URL = /\bhttps?:\/\/[^\s<>()[\]"']*[^\s<>()[\]"'.,;:!?]/gi;
const WWW = /\bwww\.[^\s<>()[\]"']*[^\s<>()[\]"'.,;:!?]/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** A URL as it is said: its domain, without "www.". */
export function spokenUrl(url: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`;
  try {
    return new globalThis.URL(withScheme).hostname.replace(/^www\./i, '');
  } catch {
    return url.replace(/^[a-z]+:\/\//i, '').replace(/^www\./i, '').split(/[/?#]/)[0]!;
  }
}

export class SpeakableFilter {
  #inFence = false;
  readonly #terminator: string;

  constructor(private readonly options: SpeakableOptions) {
    this.#terminator = options.language === 'zh' || options.language === 'ja' ? '。' : '.';
  }

  /** The speakable form of one chunk ('' when nothing in it should be said). */
  convert(chunk: string): string {
    const lines = chunk.split(/\r?\n/);
    const spoken: string[] = [];
    lines.forEach((line, index) => {
      if (FENCE.test(line)) {
        const fence = FENCE.exec(line)![1]!;
        const oneLine = line.trim().length > 3 && line.trim().endsWith(fence) && line.trim() !== fence;
        if (!this.#inFence && this.options.codeMention) spoken.push(this.options.codeMention);
        if (!oneLine) this.#inFence = !this.#inFence;
        return;
      }
      if (this.#inFence) return;
      const next = lines[index + 1];
      const text = this.#line(line, next !== undefined && (BULLET.test(next) || NUMBERED.test(next)));
      if (text) spoken.push(text);
    });
    return spoken.join(' ').replace(/\s+/g, ' ').trim();
  }

  #line(raw: string, nextIsItem: boolean): string {
    if (RULE.test(raw) || TABLE_SEPARATOR.test(raw)) return '';
    let line = raw;
    let structural = false;
    let item = false;
    const row = TABLE_ROW.exec(line);
    const heading = HEADING.exec(line);
    if (row) {
      line = row[1]!.split('|').map((c) => c.trim()).filter(Boolean).join(', ');
      structural = true;
    } else if (heading) {
      line = heading[1]!;
      structural = true;
    } else {
      line = line.replace(QUOTE, '');
      if (BULLET.test(line)) {
        line = line.replace(BULLET, '');
        structural = item = true;
      } else if (NUMBERED.test(line)) {
        line = line.replace(NUMBERED, '$1, ');
        structural = item = true;
      }
    }
    line = this.#inline(line).trim();
    if (!/[\p{L}\p{N}]/u.test(line)) return '';
    if (structural && !FINAL_PUNCTUATION.test(line)) line += item && nextIsItem ? ',' : this.#terminator;
    return line;
  }

  #inline(text: string): string {
    return (
      text
        // code first: nothing inside backticks is markdown
        .replace(/`{1,2}([^`]+)`{1,2}/g, (_m, code: string) => (code.length > MAX_INLINE_CODE ? (this.options.codeMention ?? '') : code))
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[\^[^\]]+\]/g, '')
        .replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, '$1')
        .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
        .replace(/<((?:https?:\/\/|www\.)[^>]+)>/gi, (_m, url: string) => spokenUrl(url))
        .replace(URL, (url) => spokenUrl(url))
        .replace(WWW, (url) => spokenUrl(url))
        .replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, ' ')
        .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name]!)
        // an escaped mark is meant literally, but a voice says no marks: it is dropped below like the rest
        .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1')
        .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
        .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
        .replace(/(^|[^\p{L}\p{N}_])_(?=\S)([^_]*?\S)_(?![\p{L}\p{N}])/gu, '$1$2')
        .replace(/(\d)\s*\*\s*(\d)/g, '$1 × $2')
        .replace(/\*/g, '')
        .replace(EMOJI, '')
        .replace(/\s*(?:->|=>|→|⇒|➔)\s*/g, ', ')
        .replace(/\s*[•·]\s*/g, ', ')
        .replace(/(^|\s)#(?=\s|$)/g, '$1')
        .replace(/\s+([,.;:!?](?:\s|$))/g, (m, p: string) => (this.options.language === 'fr' && /^[!?;:]/.test(p) ? m : p))
        .replace(/\s+/g, ' ')
    );
  }
}

/** The speakable form of a whole text (for non-streamed answers and tests). */
export function toSpeakable(text: string, options: SpeakableOptions): string {
  return new SpeakableFilter(options).convert(text);
}
