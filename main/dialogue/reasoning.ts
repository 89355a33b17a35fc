/**
 * Reasoning models served through an OpenAI-compatible server (Qwen3, DeepSeek-R1, QwQ… in
 * llama.cpp's server, LM Studio, older Ollama) write their chain of thought into the answer
 * itself, between `<think>` and `</think>` (some `<thinking>`). It is not part of the answer: it
 * is not spoken, not shown as the reply and not kept in the conversation. This removes such
 * blocks from a token stream; a tag may be split across tokens anywhere ("<th" + "ink>").
 * A block that never closes (the answer was cut off while thinking) is dropped to the end.
 */
const OPEN_TAGS = ['<think>', '<thinking>'];

export class ReasoningFilter {
  /** Text held back because it may be the start of a tag. */
  #held = '';
  /** The closing tag being waited for, while inside a reasoning block. */
  #closing: string | null = null;

  /** The visible part of `token` (and of what was held back before it). */
  push(token: string): string {
    let text = this.#held + token;
    this.#held = '';
    let out = '';
    for (;;) {
      const lower = text.toLowerCase();
      if (this.#closing) {
        const end = lower.indexOf(this.#closing);
        if (end < 0) {
          this.#held = text.slice(text.length - partialSuffix(lower, [this.#closing]));
          return out;
        }
        text = text.slice(end + this.#closing.length);
        this.#closing = null;
        continue;
      }
      const open = firstTag(lower);
      if (!open) {
        const keep = partialSuffix(lower, OPEN_TAGS);
        this.#held = text.slice(text.length - keep);
        return out + text.slice(0, text.length - keep);
      }
      out += text.slice(0, open.at);
      text = text.slice(open.at + open.tag.length);
      this.#closing = `</${open.tag.slice(1)}`;
    }
  }

  /** The end of the answer: text held back that turned out not to be a tag; an unclosed block stays dropped. */
  end(): string {
    const rest = this.#closing ? '' : this.#held;
    this.#held = '';
    return rest;
  }
}

function firstTag(lower: string): { at: number; tag: string } | null {
  let best: { at: number; tag: string } | null = null;
  for (const tag of OPEN_TAGS) {
    const at = lower.indexOf(tag);
    if (at >= 0 && (!best || at < best.at)) best = { at, tag };
  }
  return best;
}

/** How many characters at the end of `lower` are the beginning of one of `tags` (so must wait for the next token). */
function partialSuffix(lower: string, tags: string[]): number {
  const from = lower.lastIndexOf('<');
  if (from < 0) return 0;
  const tail = lower.slice(from);
  return tags.some((tag) => tag.length > tail.length && tag.startsWith(tail)) ? tail.length : 0;
}
