/**
 * The words of one OpenClaw run, each handed on once. The gateway says them in two ways: chat
 * events carry the assistant's text (the whole message so far, or the new piece), and a part the
 * agent says before a tool runs ("Let me check.") also comes as a preamble item. Their order is
 * not fixed: on a loaded machine the part arrived as chat text before its item, and the message
 * after the tool began with it again ("Let me check.\n\nDone: …"); Kiwi said it three times.
 */
export class RunText {
  /** The gateway's text since the last part. */
  #text = '';
  /** Of #text, what was handed on (a rewrite of handed-on text cannot be taken back). */
  #spoken = '';
  /** Everything handed on in this run. */
  #said = '';
  /** Said up to the last part: the messages after it may begin with it again. */
  #repeat: string | null = null;
  /** The first words after a part need a space before them. */
  #gap = false;

  /** Nothing since the last part (a silent end is then an empty answer, not a failure). */
  get quiet(): boolean {
    return !this.#spoken && !this.#text;
  }

  /** A part said before a tool ran: what to speak now ('' when the chat text said it already). */
  part(raw: string): string {
    const part = raw.trim();
    this.#text = this.#spoken = ''; // the answer text starts afresh
    if (!part) return '';
    const already = endsWithWords(this.#said, part);
    const piece = already ? '' : this.#hand(`${/\S$/.test(this.#said) ? ' ' : ''}${part} `);
    this.#gap = already; // the chat text said it, without the space that follows a part
    this.#repeat = this.#said;
    return piece;
  }

  /** A chat `delta` or `final`: the new words to speak ('' if none). */
  chat(payload: Record<string, unknown>): string {
    this.#text = nextText(this.#text, payload);
    const fresh = this.#repeat === null ? this.#text : afterRepeat(this.#text, this.#repeat);
    if (fresh === null) return ''; // still only what was said before the tool
    if (!fresh.startsWith(this.#spoken)) {
      this.#spoken = fresh;
      return '';
    }
    if (fresh.length === this.#spoken.length) return '';
    let piece = fresh.slice(this.#spoken.length);
    this.#spoken = fresh;
    if (this.#gap && !/\s$/.test(this.#said) && !/^\s/.test(piece)) piece = ` ${piece}`;
    this.#gap = false;
    return this.#hand(piece);
  }

  #hand(piece: string): string {
    this.#said += piece;
    return piece;
  }
}

const words = (text: string) => text.trim().split(/\s+/).filter(Boolean);

function endsWithWords(text: string, tail: string): boolean {
  const have = words(text);
  const want = words(tail);
  return want.length > 0 && want.length <= have.length && want.every((w, i) => have[have.length - want.length + i] === w);
}

/** `raw` without a repeat of `said` at its start; null while it may still be one (its words still arriving). */
function afterRepeat(raw: string, said: string): string | null {
  const before = words(said);
  const found = [...raw.matchAll(/\S+/g)];
  for (let i = 0; i < Math.min(found.length, before.length); i++) {
    const word = found[i]![0];
    const growing = i === found.length - 1 && !/\s$/.test(raw);
    if (word !== before[i] && !(growing && before[i]!.startsWith(word))) return raw;
  }
  if (found.length <= before.length) return null;
  const last = found[before.length - 1]!;
  return raw.slice(last.index + last[0].length).trimStart();
}

/** The assistant's text after this chat event: cumulative `message.content`, or `deltaText` (appended, or replacing). */
function nextText(previous: string, payload: Record<string, unknown>): string {
  const full = messageText(payload.message);
  if (full !== null) return full;
  if (typeof payload.deltaText === 'string') return payload.replace === true ? payload.deltaText : previous + payload.deltaText;
  return previous;
}

function messageText(message: unknown): string | null {
  if (!message || typeof message !== 'object') return typeof message === 'string' ? message : null;
  const content = (message as { content?: unknown; text?: unknown }).content ?? (message as { text?: unknown }).text;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const texts = content.filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string').map((b) => b.text);
  return texts.length ? texts.join('') : null;
}
