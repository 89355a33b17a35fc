/**
 * The pure parts of greedy Whisper decoding: which token comes next, how sure the model was, and
 * when to stop. Kept apart from the ONNX sessions so they can be tested on made-up logits.
 */

export interface TokenRules {
  /** <|endoftext|>: every id above it is special (language, task, timestamps) and never text. */
  eot: number;
  /** Never produced (CTranslate2's suppress_ids: symbols Whisper was told not to write). */
  suppress: readonly number[];
  /** Not allowed as the first token (a blank, or ending before anything was said). */
  suppressAtBegin: readonly number[];
}

export interface Pick {
  id: number;
  /** log p(id) over the allowed tokens, for Whisper's "low confidence + no speech" test. */
  logprob: number;
}

/** The most likely allowed token after `logits` (the last position's row; edited in place). */
export function pickToken(logits: Float32Array, rules: TokenRules, first: boolean): Pick {
  for (let id = rules.eot + 1; id < logits.length; id += 1) logits[id] = -Infinity;
  for (const id of rules.suppress) if (id < logits.length) logits[id] = -Infinity;
  if (first) for (const id of rules.suppressAtBegin) if (id < logits.length) logits[id] = -Infinity;
  let best = 0;
  for (let id = 1; id < logits.length; id += 1) if (logits[id]! > logits[best]!) best = id;
  return { id: best, logprob: logits[best]! - logSumExp(logits) };
}

/** log p(id) over the tokens pickToken allows there (-Infinity for one it never writes); `logits` is edited in place. */
export function logprobOf(logits: Float32Array, id: number, rules: TokenRules, first: boolean): number {
  const best = pickToken(logits, rules, first);
  return logits[id]! - logits[best.id]! + best.logprob;
}

/** Softmax probability of one id among `ids` (or all) — for the no-speech token and language detection. */
export function probabilityOf(logits: Float32Array, id: number, among?: readonly number[]): number {
  if (among) {
    let max = -Infinity;
    for (const i of among) max = Math.max(max, logits[i]!);
    let sum = 0;
    for (const i of among) sum += Math.exp(logits[i]! - max);
    return Math.exp(logits[id]! - max) / sum;
  }
  return Math.exp(logits[id]! - logSumExp(logits));
}

/** The id among `ids` with the highest logit. */
export function argmaxAmong(logits: Float32Array, ids: Iterable<number>): number | undefined {
  let best: number | undefined;
  for (const id of ids) if (best === undefined || logits[id]! > logits[best]!) best = id;
  return best;
}

function logSumExp(values: Float32Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  let sum = 0;
  for (const v of values) if (v !== -Infinity) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/**
 * Whether the tokens end in a degenerate loop: the same 1..8-token pattern `repeats` times in a
 * row. Greedy decoding on noise falls into these ("you you you ..."); stopping early saves up to
 * 200 decoder steps, and the hallucination filter then drops or collapses the loop.
 */
export function endsInLoop(tokens: readonly number[], repeats = 6): boolean {
  for (let period = 1; period <= 8; period += 1) {
    const span = period * repeats;
    if (tokens.length < span) break;
    const start = tokens.length - span;
    let periodic = true;
    for (let i = start + period; i < tokens.length && periodic; i += 1) periodic = tokens[i] === tokens[i - period];
    if (periodic) return true;
  }
  return false;
}

/**
 * Whisper's own silence rule (OpenAI's no_speech_threshold 0.6 with logprob_threshold -1): a
 * window whose no-speech probability is high and whose text the model was unsure of is silence
 * it made words up for.
 */
export function isNoSpeech(noSpeechProb: number, avgLogprob: number): boolean {
  return noSpeechProb > 0.6 && avgLogprob < -1;
}

/**
 * Token budget for a window: about 10 tokens a second of audio (fast speech in a language the
 * BPE splits finely) plus room for the start, never more than Whisper's 224 per window. A loop
 * on noise ends at the budget instead of running to 224.
 */
export function tokenBudget(seconds: number): number {
  return Math.min(224, 16 + Math.ceil(seconds * 10));
}

/**
 * Where the text starts repeating itself: Whisper on a window without its 30 s of padding (no
 * silence after the speech to tell it the utterance is over) tends to say the words again
 * ("tell me a joke. Tell me a joke.", "Stop! Stop! Stop!"). Returns how many words to keep when
 * `words` (lower case, no punctuation) end with at least three words that repeat the opening
 * (the text starts over), or with words said twice in a row; else null. Meant for command-length
 * windows only: "stop stop" becomes "stop" there, a fair price for never hearing "Kiwi Kiwi Kiwi".
 */
export function restartsAt(words: readonly string[]): number | null {
  const same = (a: number, b: number, length: number) => {
    for (let i = 0; i < length; i += 1) if (words[a + i] !== words[b + i]) return false;
    return true;
  };
  for (let period = 3; words.length - period >= 3; period += 1) {
    if (same(0, period, Math.min(period, words.length - period)) && words.length - period <= period) return period;
  }
  for (let period = 1; 2 * period <= words.length; period += 1) {
    if (same(words.length - 2 * period, words.length - period, period)) return words.length - period;
  }
  return null;
}

/** Words of a transcript for comparing them: lower case, no punctuation. */
export function plainWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, ' ')
    .split(' ')
    .filter(Boolean);
}
