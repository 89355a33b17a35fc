import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import { OpenAiLlm } from '../llm/openai.ts';
import { LlmPhraseBook } from '../llm/phrases.ts';
import { collect, llmConfig } from '../llm/testing/collect.ts';
import type { ChatMessage, Llm } from '../llm/types.ts';
import { resourcesDir } from '../platform/paths.ts';
import { SoulRegistry } from '../souls/soul-registry.ts';
import { LlmStandin, openAiStream } from '../testing/llm-standins.ts';
import { ManualClock } from '../timers/testing/manual-clock.ts';
import { ConversationContext } from './conversation-context.ts';
import { isLoopbackUrl, prefetchEligible } from './llm-prefetch.ts';
import { createLlmTurn, type LlmTurnDeps } from './llm-turn.ts';

/** The real OpenAI-compatible client, with a tap that tells the test what reached Kiwi (tokens, the failure). */
class TappedLlm implements Llm {
  readonly name = 'tapped';
  calls = 0;
  readonly tokens: string[] = [];
  readonly #waiters: Array<() => void> = [];
  failure: unknown;

  constructor(private readonly inner: Llm) {}

  async *chat(messages: ChatMessage[], options: { model: string; signal?: AbortSignal }): AsyncGenerator<string> {
    this.calls++;
    try {
      for await (const token of this.inner.chat(messages, options)) {
        this.tokens.push(token);
        this.#wake();
        yield token;
      }
    } catch (err) {
      this.failure = err;
      this.#wake();
      throw err;
    }
  }

  /** Resolves once `n` tokens arrived, or the request failed. */
  async until(n: number): Promise<void> {
    while (this.tokens.length < n && this.failure === undefined) await new Promise<void>((r) => this.#waiters.push(r));
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The stand-in's reply chunks after the first wait for the test: `arrived` once the request is in, `open(i)` lets chunk i+1 go. */
function gated() {
  const arrived = deferred<void>();
  const gates = [deferred<void>(), deferred<void>(), deferred<void>()];
  let next = 0;
  return {
    arrived: arrived.promise,
    open: (i: number) => gates[i]!.resolve(),
    rest: () => {
      arrived.resolve();
      return gates[next++]?.promise ?? Promise.resolve();
    },
  };
}

const tokens = ['The first sentence arrives quickly.', ' The second', ' takes', ' a while.'];
/** Chunk 1: the role only (no token yet); chunk 2: the first sentence and the word that confirms its end; chunk 3: the rest. */
const chunkBytes = (() => {
  const events = openAiStream(tokens, 'config-model').split(/(?<=\n\n)/);
  return [Buffer.byteLength(events[0]!), Buffer.byteLength(events[1]! + events[2]!), 10_000];
})();

describe('LLM prefetch', () => {
  let registry: SoulRegistry;
  let server: LlmStandin;
  let bus: EventBus;
  let events: EventEnvelope[];
  let errors: unknown[];
  let context: ConversationContext;
  let llm: TappedLlm;
  let clock: ManualClock;
  const phrases = new LlmPhraseBook();

  beforeAll(async () => {
    registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), path.join(resourcesDir, 'no-user-souls'));
  });
  beforeEach(async () => {
    server = await LlmStandin.start('openai');
    bus = new EventBus();
    const seen: EventEnvelope[] = [];
    events = seen; // a test's own array: a late event of a failed test cannot land in the next one's
    errors = [];
    bus.subscribe((e) => seen.push(e));
    context = new ConversationContext(bus);
    // No silence timeout within a test: only Kiwi's own abort may close a held request here.
    llm = new TappedLlm(new OpenAiLlm(llmConfig({ base_url: server.baseUrl, model: 'config-model', timeout_s: 600 }), { retries: 1, backoffMs: 5, maxBackoffMs: 10 }));
    clock = new ManualClock('2026-12-07T12:00:00Z');
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await server.close();
  });

  const turn = (over: Partial<LlmTurnDeps> = {}) => {
    const failures = errors; // this test's: a failed test's turn ending late cannot report into the next one
    return createLlmTurn({
      llm: () => llm,
      composePrompt: (soul, ctx) => registry.composePrompt(soul, ctx),
      modelFor: (soul) => soul.model || 'config-model',
      context,
      bus,
      phrases,
      clock,
      onError: (err) => failures.push(err),
      mayPrefetch: () => true,
      ...over,
    });
  };
  /** A provisional voice turn: its words wait for `settle`. */
  const waiting = (text: string, turnId = 't1') => {
    const settled = deferred<boolean>();
    const controller = new AbortController();
    const request: TurnRequest = {
      text,
      language: 'en',
      speaker: { id: 'alice', name: 'Alice', priority: 1, confidence: 0.9, blocked: false },
      source: 'mic',
      signal: controller.signal,
      turn_id: turnId,
      settled: settled.promise,
    };
    return { request, settle: settled.resolve, abort: () => controller.abort(new Error('stopped')) };
  };
  const named = (name: string) => events.filter((e) => e.event === name);
  const llmEvents = () => events.filter((e) => e.event.startsWith('LLM_') || e.event === 'ERROR');
  const sentMessages = (i: number) => (server.requests[i]!.body as { messages: ChatMessage[] }).messages;

  it('a prefetched request is adopted: one request, the same sentences, events and history once, the first sentence already there', async () => {
    const soul = registry.get('default')!;
    // The same answer without a prefetch (an unknown voice: another conversation), for comparison.
    server.reply({ kind: 'stream', tokens, chunkBytes });
    const plain = await turn({ mayPrefetch: undefined })({ ...waiting('hi', 't0').request, settled: undefined, speaker: null }, soul);
    const withoutPrefetch = await collect(plain.reply as AsyncIterable<string>);
    events.length = 0;
    llm.tokens.length = 0;

    const gate = gated();
    // A further request would never be answered: the turn must read the prefetched one.
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest }, { kind: 'silent' });
    const llmTurn = turn();
    const { request, settle } = waiting('hi');
    llmTurn.prefetch(request, soul);
    await gate.arrived;
    gate.open(0); // the model writes its first sentence before the turn is even asked
    await llm.until(2);
    expect(llmEvents()).toEqual([]); // nothing shown while the words are not confirmed
    expect(context.history('alice')).toEqual([]);

    settle(true);
    const answer = await llmTurn(request, soul);
    const sentences = (answer.reply as AsyncIterable<string>)[Symbol.asyncIterator]();
    // Available at once: the stand-in has written nothing since, and a new request would hang.
    expect(await sentences.next()).toEqual({ done: false, value: 'The first sentence arrives quickly.' });
    gate.open(1);
    const rest: string[] = [];
    for (let s = await sentences.next(); !s.done; s = await sentences.next()) rest.push(s.value);
    const heard = ['The first sentence arrives quickly.', ...rest];

    expect(server.requests).toHaveLength(2); // the comparison's, then the prefetch's: none at adoption
    expect(sentMessages(1)).toEqual([
      { role: 'system', content: registry.composePrompt(soul, { speakerName: 'Alice', language: 'en' }) },
      { role: 'user', content: 'hi' },
    ]);
    expect(named('LLM_COMPLETE')).toHaveLength(1);
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'complete', text: tokens.join(''), turn_id: 't1' });
    expect(named('LLM_TOKEN').map((e) => e.data.text).join('')).toBe(tokens.join(''));
    expect(named('LLM_TOKEN').every((e) => e.data.turn_id === 't1')).toBe(true);
    expect(context.history('alice')).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: tokens.join('') },
    ]);

    expect(heard).toEqual(withoutPrefetch);
  });

  it("an adopted answer's ms and first_token_ms count from when its request was sent", async () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const soul = registry.get('default')!;
    const gate = gated();
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest });
    const llmTurn = turn();
    const { request, settle } = waiting('hi');
    llmTurn.prefetch(request, soul); // sent at 1000
    await gate.arrived;
    now = 1200;
    gate.open(0); // first token at 1200
    await llm.until(2);
    now = 1500;
    settle(true);
    const answer = await llmTurn(request, soul); // adopted at 1500
    const sentences = (answer.reply as AsyncIterable<string>)[Symbol.asyncIterator]();
    await sentences.next();
    now = 1700;
    gate.open(1);
    for (let s = await sentences.next(); !s.done; s = await sentences.next()) expect(s.value).toBe('The second takes a while.');
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ ms: 700, first_token_ms: 200 });
  });

  it.each([
    ['the words are joined into a new turn (settled false)', (w: ReturnType<typeof waiting>) => w.settle(false)],
    ['the turn is stopped (its signal aborted)', (w: ReturnType<typeof waiting>) => w.abort()],
  ])('not adopted when %s: the request is aborted and leaves nothing', async (_, end) => {
    const gate = gated();
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest });
    const w = waiting('hi');
    turn().prefetch(w.request, registry.get('default')!);
    await gate.arrived;
    gate.open(0);
    await llm.until(2); // tokens were buffered…
    end(w);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    expect(llmEvents()).toEqual([]); // …and none of them was ever shown
    expect(context.history('alice')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('not adopted within 5 s (on the clock): aborted; the turn that comes later makes its own request', async () => {
    const gate = gated();
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest }, { kind: 'stream', tokens: ['Fresh answer.'] });
    const llmTurn = turn();
    const { request, settle } = waiting('hi');
    llmTurn.prefetch(request, registry.get('default')!);
    await gate.arrived;
    await clock.advance(5000);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    settle(true);
    const answer = await llmTurn(request, registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['Fresh answer.']);
    expect(server.requests).toHaveLength(2);
  });

  it('a different request at adoption (the history changed) aborts the prefetch and sends the new one', async () => {
    const gate = gated();
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest }, { kind: 'stream', tokens: ['With the new history.'] });
    const llmTurn = turn();
    const { request, settle } = waiting('and then?');
    llmTurn.prefetch(request, registry.get('default')!);
    await gate.arrived;
    context.append('alice', { role: 'user', content: 'typed meanwhile' });
    context.append('alice', { role: 'assistant', content: 'an answer meanwhile' });
    settle(true);
    const answer = await llmTurn(request, registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['With the new history.']);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    expect(sentMessages(0).slice(1).map((m) => m.content)).toEqual(['and then?']);
    expect(sentMessages(1).slice(1).map((m) => m.content)).toEqual(['typed meanwhile', 'an answer meanwhile', 'and then?']);
    expect(named('LLM_COMPLETE')).toHaveLength(1);
  });

  it('a later prefetch replaces an older one; discard aborts only its own turn\'s, unadopted', async () => {
    const [first, second, third] = [gated(), gated(), gated()];
    server.reply(...[first, second, third].map((gate) => ({ kind: 'stream' as const, tokens, chunkBytes, rest: gate.rest })));
    const llmTurn = turn();
    const soul = registry.get('default')!;
    llmTurn.prefetch(waiting('one', 't1').request, soul);
    await first.arrived;
    const later = waiting('two', 't2');
    llmTurn.prefetch(later.request, soul);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    await second.arrived;
    llmTurn.discard(waiting('two', 't2').request); // the same id with another signal is another request
    later.settle(true);
    const answer = await llmTurn(later.request, soul);
    second.open(0);
    second.open(1);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['The first sentence arrives quickly.', 'The second takes a while.']);
    expect(server.requests).toHaveLength(2);

    const answered = waiting('three', 't3');
    llmTurn.prefetch(answered.request, soul);
    await third.arrived;
    llmTurn.discard(answered.request); // a built-in command answered it
    expect((await server.whenClosed(2)).closedEarly).toBe(true);
    expect(named('LLM_COMPLETE').map((e) => e.data.turn_id)).toEqual(['t2']);
  });

  it("a failed prefetch is the adopting turn's own failure, and dropped silently when not adopted", async () => {
    const refused = { kind: 'status', status: 401, body: { error: { message: 'Incorrect API key' } } } as const;
    server.reply(refused, refused);
    const llmTurn = turn();
    const kept = waiting('hi', 't1');
    llmTurn.prefetch(kept.request, registry.get('default')!);
    await llm.until(1);
    expect(llmEvents()).toEqual([]);
    kept.settle(true);
    const answer = await llmTurn(kept.request, registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual([(await phrases.get('en')).unauthorized]);
    expect(named('ERROR').map((e) => e.data)).toEqual([expect.objectContaining({ code: 'llm_unauthorized', turn_id: 't1' })]);
    expect(answer.error?.code).toBe('llm_unauthorized');
    expect(errors).toHaveLength(1);
    expect(server.requests).toHaveLength(1);

    events.length = 0;
    llm.failure = undefined;
    const dropped = waiting('hi', 't2');
    llmTurn.prefetch(dropped.request, registry.get('default')!);
    await llm.until(1);
    dropped.settle(false);
    expect(llmEvents()).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('an adopted answer stopped midway ends aborted, closes its request and is not stored', async () => {
    const gate = gated();
    server.reply({ kind: 'stream', tokens, chunkBytes, rest: gate.rest });
    const llmTurn = turn();
    const w = waiting('hi');
    llmTurn.prefetch(w.request, registry.get('default')!);
    await gate.arrived;
    gate.open(0);
    w.settle(true);
    const answer = await llmTurn(w.request, registry.get('default')!);
    const sentences = (answer.reply as AsyncIterable<string>)[Symbol.asyncIterator]();
    expect((await sentences.next()).value).toBe('The first sentence arrives quickly.');
    w.abort();
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    await expect.poll(() => named('LLM_COMPLETE')).toHaveLength(1);
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'aborted', turn_id: 't1' });
    expect(context.history('alice')).toEqual([]);
  });

  it('without mayPrefetch saying yes nothing is sent early', () => {
    const { request } = waiting('my PIN is 4711');
    turn({ mayPrefetch: undefined }).prefetch(request, registry.get('default')!);
    turn({ mayPrefetch: () => false }).prefetch(request, registry.get('default')!);
    expect(llm.calls).toBe(0);
  });
});

describe('prefetchEligible', () => {
  const pending = { settled: new Promise<boolean>(() => undefined), turn_id: 't1' };
  const openai = (base_url: string) => ({ llm: { provider: 'openai' as const, base_url }, homeAssistant: false });

  it('only an OpenAI-compatible server on this machine, without Home Assistant, for a turn that waits', () => {
    expect(prefetchEligible(openai('http://127.0.0.1:11434/v1'), pending)).toBe(true);
    expect(prefetchEligible(openai('http://localhost:1234/v1'), pending)).toBe(true);
    expect(prefetchEligible(openai('http://[::1]:8080'), pending)).toBe(true);
    expect(prefetchEligible({ llm: { provider: 'openclaw', base_url: 'http://127.0.0.1:18789' }, homeAssistant: false }, pending)).toBe(false);
    expect(prefetchEligible({ llm: { provider: 'anthropic', base_url: 'http://127.0.0.1:9000' }, homeAssistant: false }, pending)).toBe(false);
    expect(prefetchEligible(openai('https://api.openai.com/v1'), pending)).toBe(false);
    expect(prefetchEligible(openai(''), pending)).toBe(false); // empty: api.openai.com
    expect(prefetchEligible(openai('http://192.168.1.20:11434/v1'), pending)).toBe(false);
    expect(prefetchEligible({ ...openai('http://127.0.0.1:11434/v1'), homeAssistant: true }, pending)).toBe(false);
    expect(prefetchEligible(openai('http://127.0.0.1:11434/v1'), { turn_id: 't1' })).toBe(false);
    expect(prefetchEligible(openai('http://127.0.0.1:11434/v1'), { settled: pending.settled })).toBe(false);
  });

  it('loopback means the host, whatever the spelling, and nothing that only looks like it', () => {
    for (const url of ['http://127.0.0.1/v1', 'http://127.3.2.1:80', 'http://127.1:11434', 'http://LOCALHOST:11434', 'http://[0:0:0:0:0:0:0:1]:8080/v1']) expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of ['http://127.0.0.1.example.com', 'http://localhost.example.com/v1', 'http://example.com/127.0.0.1', 'http://10.0.0.1', 'http://[::2]', 'not a url']) expect(isLoopbackUrl(url), url).toBe(false);
  });
});
