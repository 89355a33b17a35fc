/** One Server-Sent Event: `event` is "message" unless the server named it. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser for `text/event-stream` (the WHATWG format both OpenAI and Anthropic
 * stream in). Bytes may arrive split anywhere: inside a UTF-8 character, between `\r` and `\n`,
 * in the middle of a field name. `push` returns the events completed by those bytes.
 */
export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  #line = '';
  /** The previous chunk ended in `\r`: a `\n` starting the next one belongs to that line break. */
  #pendingCr = false;
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  /** Guards against a server that never ends a line. */
  readonly #maxLine: number;

  constructor(maxLineChars = 1 << 20) {
    this.#maxLine = maxLineChars;
  }

  push(bytes: Uint8Array): SseEvent[] {
    return this.#feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** End of the stream: a last event without its blank line is still delivered. */
  end(): SseEvent[] {
    const events = this.#feed(this.#decoder.decode());
    if (this.#line) this.#takeLine(this.#line, events);
    this.#line = '';
    this.#dispatch(events);
    return events;
  }

  #feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 && this.#pendingCr && i === start && this.#line === '') {
        // the \n of a \r\n split across chunks
        this.#pendingCr = false;
        start = i + 1;
        continue;
      }
      this.#pendingCr = false;
      if (c !== 10 && c !== 13) continue;
      this.#takeLine(this.#line + text.slice(start, i), events);
      this.#line = '';
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.#line += text.slice(start);
    if (this.#line.length > this.#maxLine) throw new Error(`an event-stream line exceeded ${this.#maxLine} characters`);
    return events;
  }

  #takeLine(line: string, events: SseEvent[]): void {
    if (line === '') return this.#dispatch(events);
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    // `retry` and unknown fields are ignored: reconnection is ours to decide.
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#data.length > 0) {
      const event: SseEvent = { event: this.#event || 'message', data: this.#data.join('\n') };
      if (this.#id !== undefined) event.id = this.#id;
      events.push(event);
    }
    this.#event = '';
    this.#data = [];
  }
}
