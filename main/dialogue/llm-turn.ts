import type { EventBus } from '../engine/events/event-bus.ts';
import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import type { ChatMessage, Llm } from '../engine/stages.ts';
import { AsyncQueue } from '../llm/async-queue.ts';
import { LlmError } from '../llm/errors.ts';
import { LlmPhraseBook, phraseForError } from '../llm/phrases.ts';
import type { ChatOptions } from '../llm/types.ts';
import type { Clock } from '../platform/clock.ts';
import { describeError, KiwiError } from '../platform/errors.ts';
import type { Soul } from '../souls/soul-file.ts';
import type { PromptContext } from '../souls/soul-registry.ts';
import { SentenceChunker, type ChunkerOptions } from './chunker.ts';
import { anonymousKey } from './commands/permissions.ts';
import type { ConversationContext } from './conversation-context.ts';
import { LlmPrefetches, type LlmRequest } from './llm-prefetch.ts';
import { ReasoningFilter } from './reasoning.ts';
import { SpeakableFilter } from './speakable.ts';

export interface LlmTurnDeps {
  /** The LLM client of the current engine (rebuilt on config changes); undefined when llm.provider is none. */
  llm: () => Llm | undefined;
  /** SoulRegistry.composePrompt: base prompt + soul + speaker + language. */
  composePrompt: (soul: Soul, context: PromptContext) => string;
  /** SoulService.modelFor: the soul's model override, else llm.model. */
  modelFor: (soul: Soul) => string;
  context: ConversationContext;
  /**
   * What the turn's speaker asked Kiwi to remember, as a system-prompt section (main/memory/prompt.ts),
   * or null. It is asked for this request's speaker only, so no one's facts reach another's prompt.
   */
  memoryPrompt?: (request: TurnRequest) => string | null;
  bus: EventBus;
  phrases?: LlmPhraseBook;
  /** LLM_TOKEN events carry the text of at most this many ms (default 100): a few per second, not one per byte. */
  tokenIntervalMs?: number;
  chunker?: Omit<ChunkerOptions, 'language'>;
  /** An answer is cut at its last complete sentence after this many characters (default MAX_ANSWER_CHARS). */
  maxAnswerChars?: number;
  /** Where failures are reported besides the ERROR event (the runtime's logger). */
  onError?: (err: unknown) => void;
  /**
   * Whether this request's words may go to the LLM before they are confirmed (llm-prefetch.ts
   * prefetchEligible, and the security gate allowing it); absent: `prefetch` never starts anything.
   */
  mayPrefetch?: (request: TurnRequest) => boolean;
  /** Times the bound on an unadopted prefetch (Kiwi's one clock; tests pass a manual one). */
  clock?: Clock;
}

export type LlmTurn = ((request: TurnRequest, soul: Soul) => Promise<TurnAnswer>) & {
  /**
   * Start the request this turn would make now, while its words wait for `settled` (when
   * `mayPrefetch` allows): nothing of it is shown, spoken or stored unless the turn then runs with
   * the same request and adopts it; `settled` false, the request's abort or 5 s unadopted abort it.
   */
  prefetch: (request: TurnRequest, soul: Soul) => void;
  /** Abort this request's prefetch if the turn was answered otherwise (a built-in command, Home Assistant). */
  discard: (request: TurnRequest) => void;
};

/**
 * A spoken answer longer than this (some ten minutes of speech) is a model that runs away,
 * e.g. a small local model repeating itself without end: the request is stopped there, so it
 * neither talks for an hour nor fills the conversation (sent again with every later question)
 * with megabytes. Anthropic's answers are capped at 1024 tokens (about 4000 characters) anyway.
 */
export const MAX_ANSWER_CHARS = 8000;
/** What a model may write in all, its `<think>` blocks included, as a multiple of the answer's limit. */
const REASONING_ROOM = 4;

/**
 * The conversation a turn belongs to: the speaker (else anonymousKey). An nsfw soul
 * talks in its own isolated context, so nothing said there leaks into the everyday one, and
 * switching back finds the everyday conversation as it was.
 */
export function contextKey(request: Pick<TurnRequest, 'speaker'> & Partial<Pick<TurnRequest, 'source'>>, soul: Pick<Soul, 'nsfw'>): string {
  const speaker = request.speaker?.id ?? anonymousKey(request);
  return soul.nsfw ? `${speaker}:nsfw` : speaker;
}

/**
 * An answer from the LLM, shaped by the active soul and streamed as speakable sentences.
 *
 * The request starts at once; `reply` yields each sentence as soon as it is complete (markdown,
 * code, links and emoji made speakable; a reasoning model's `<think>` block left out). LLM_TOKEN
 * events carry the text in batches; LLM_COMPLETE ends every answer with `status` complete |
 * aborted | error.
 *
 * Context: the user's words and the answer are added to the conversation only when the answer
 * completes. An aborted answer (stop, barge-in) is not stored at all: generation runs ahead of
 * playback, so Kiwi cannot know how much of it the user heard, and a half-told answer in the
 * history would make the model continue a thought the user never got. A failed answer is not
 * stored either. When the backend fails, a localized sentence saying what went wrong is spoken
 * instead of silence (or, after part of the answer was spoken, that the connection was lost); an
 * answer with nothing speakable in it gets a localized "no answer" sentence.
 *
 * Prefetch (llm-prefetch.ts): while a spoken command's words wait to be confirmed, `prefetch` may
 * start its request; the turn then adopts that stream, with the events and storing above as usual.
 */
export function createLlmTurn(deps: LlmTurnDeps): LlmTurn {
  const phrases = deps.phrases ?? new LlmPhraseBook();
  const prefetches = new LlmPrefetches(deps.clock);
  const turn = async (request: TurnRequest, soul: Soul): Promise<TurnAnswer> => {
    const llm = deps.llm();
    if (!llm) throw new KiwiError('llm_not_configured', "No LLM is configured (llm.provider is 'none')", 503);
    const book = await phrases.get(request.language);
    const sent = llmRequest(deps, llm, request, soul);
    const { model, conversation: key } = sent;
    const sentences = new AsyncQueue<string>();
    const chunker = new SentenceChunker({ ...deps.chunker, language: request.language });
    const speakable = new SpeakableFilter({ language: request.language, codeMention: book.code });
    const reasoning = new ReasoningFilter();
    const turnId = request.turn_id;
    const tokens = new TokenEvents(deps.bus, deps.tokenIntervalMs ?? 100, turnId);
    // A prefetch of exactly this request is already running: its stream is read instead of a new one.
    const adopted = prefetches.adopt(request, sent);
    // An adopted prefetch's `ms` and `first_token_ms` count from when its request was really sent.
    const started = adopted?.startedAt ?? performance.now();
    let text = '';
    let firstTokenMs: number | null = null;
    let spoken = 0;
    const say = (chunks: string[]) => {
      for (const chunk of chunks) {
        const sentence = speakable.convert(chunk);
        if (!sentence) continue;
        sentences.push(sentence);
        spoken++;
      }
    };
    const complete = (status: 'complete' | 'aborted' | 'error', extra: { error?: string } = {}) => {
      tokens.flush();
      deps.bus.emit(
        'LLM_COMPLETE',
        { text, model, ms: Math.round(performance.now() - started), first_token_ms: firstTokenMs, status, soul: soul.id, speaker_id: request.speaker?.id ?? null, turn_id: turnId, ...extra },
        'llm',
      );
    };

    const options: ChatOptions = { model, signal: request.signal, conversation: key };
    const turnAnswer: TurnAnswer = { command: 'llm', reply: sentences };
    // Stop or barge-in: sentences already queued are not wanted any more either.
    const onAbort = () => sentences.close();
    request.signal.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      try {
        const answer = (visible: string) => {
          if (!visible) return;
          text += visible;
          tokens.add(visible);
          say(chunker.push(visible));
        };
        const maxChars = deps.maxAnswerChars ?? MAX_ANSWER_CHARS;
        let written = 0;
        let runaway = false;
        for await (const token of adopted?.tokens ?? llm.chat(sent.messages, options)) {
          firstTokenMs ??= Math.round((adopted?.firstTokenAt() ?? performance.now()) - started);
          written += token.length;
          // A reasoning model's <think> block is not the answer: not spoken, shown or kept.
          answer(reasoning.push(token));
          // Leaving the loop closes the request; the sentence being written is dropped unfinished.
          // Thinking may take more room than answering, but not without end either.
          if (text.length >= maxChars || written >= maxChars * REASONING_ROOM) {
            runaway = true;
            break;
          }
        }
        if (!runaway) {
          answer(reasoning.end());
          say(chunker.flush());
        }
        // An answer with nothing to say aloud would leave the user waiting in silence.
        if (spoken === 0) sentences.push(book.no_answer);
        complete('complete');
        deps.context.append(key, { role: 'user', content: request.text });
        deps.context.append(key, { role: 'assistant', content: text });
      } catch (err) {
        if (request.signal.aborted) {
          complete('aborted');
          return;
        }
        const code = err instanceof LlmError ? err.code : 'llm_failed';
        complete('error', { error: code });
        turnAnswer.error = { code, message: describeError(err) };
        deps.bus.emit('ERROR', { code, message: turnAnswer.error.message, turn_id: turnId }, 'llm');
        deps.onError?.(err);
        // The unfinished sentence in the chunker is dropped: half a sentence helps nobody.
        sentences.push(phraseForError(book, err, spoken > 0));
      } finally {
        tokens.stop();
        request.signal.removeEventListener('abort', onAbort);
        sentences.end();
      }
    })();
    return turnAnswer;
  };
  const prefetch = (request: TurnRequest, soul: Soul) => {
    const llm = deps.llm();
    if (!llm || deps.mayPrefetch?.(request) !== true) return;
    prefetches.start(request, llmRequest(deps, llm, request, soul));
  };
  return Object.assign(turn, { prefetch, discard: (request: TurnRequest) => prefetches.discard(request) });
}

/** The request a turn sends (and its prefetch, so the two can be compared): soul prompt, memory, history, words. */
function llmRequest(deps: LlmTurnDeps, llm: Llm, request: TurnRequest, soul: Soul): LlmRequest {
  const conversation = contextKey(request, soul);
  const composed = deps.composePrompt(soul, { speakerName: request.speaker?.name ?? null, language: request.language });
  const memory = deps.memoryPrompt?.(request);
  const system = memory ? `${composed}\n\n---\n\n${memory}` : composed;
  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...deps.context.history(conversation), { role: 'user', content: request.text }];
  return { llm, messages, model: deps.modelFor(soul), conversation };
}

/** LLM_TOKEN events, batched: the first token at once (the answer started), then one event per interval. */
class TokenEvents {
  #pending = '';
  #last = -Infinity;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs: number,
    private readonly turnId: string | undefined,
  ) {}

  add(token: string): void {
    this.#pending += token;
    if (this.#timer) return;
    const wait = this.#last + this.intervalMs - performance.now();
    if (wait <= 0) this.flush();
    else this.#timer = setTimeout(() => this.flush(), wait);
  }

  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#pending) return;
    this.bus.emit('LLM_TOKEN', { text: this.#pending, turn_id: this.turnId }, 'llm');
    this.#pending = '';
    this.#last = performance.now();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
