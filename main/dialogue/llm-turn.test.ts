import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import { EventBus } from '../engine/events/event-bus.ts';
import type { TurnRequest } from '../engine/listening/turn.ts';
import { OpenAiLlm } from '../llm/openai.ts';
import { LlmPhraseBook } from '../llm/phrases.ts';
import { closedPort, collect, llmConfig } from '../llm/testing/collect.ts';
import type { Llm } from '../llm/types.ts';
import { resourcesDir } from '../platform/paths.ts';
import { SoulRegistry } from '../souls/soul-registry.ts';
import { LlmStandin, openAiStream } from '../testing/llm-standins.ts';
import { ConversationContext } from './conversation-context.ts';
import { contextKey, createLlmTurn } from './llm-turn.ts';

// The LLM here is the real OpenAI-compatible client talking to a loopback stand-in for an
// OpenAI-compatible server (Ollama, LM Studio, OpenAI...), so the prompts checked are the bytes sent.
describe('createLlmTurn', () => {
  let registry: SoulRegistry;
  let server: LlmStandin;
  let bus: EventBus;
  let events: EventEnvelope[];
  let context: ConversationContext;
  let llm: Llm | undefined;
  const phrases = new LlmPhraseBook();

  beforeAll(async () => {
    registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), path.join(resourcesDir, 'no-user-souls'));
  });
  beforeEach(async () => {
    server = await LlmStandin.start('openai');
    bus = new EventBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    context = new ConversationContext(bus);
    llm = new OpenAiLlm(llmConfig({ base_url: server.baseUrl, model: 'config-model' }), { retries: 1, backoffMs: 5, maxBackoffMs: 10 });
  });
  afterEach(async () => {
    await server.close();
  });

  const turn = (deps: { tokenIntervalMs?: number; maxAnswerChars?: number } = {}) =>
    createLlmTurn({ llm: () => llm, composePrompt: (soul, ctx) => registry.composePrompt(soul, ctx), modelFor: (soul) => soul.model || 'config-model', context, bus, phrases, ...deps });
  const request = (text: string, over: Partial<TurnRequest> = {}): TurnRequest => ({
    text,
    language: 'en',
    speaker: { id: 'alice', name: 'Alice', priority: 1, confidence: 0.9, blocked: false },
    source: 'mic',
    signal: new AbortController().signal,
    ...over,
  });
  const named = (name: string) => events.filter((e) => e.event === name);
  const sentBody = (i: number) => server.requests[i]!.body as { model: string; messages: Array<{ role: string; content: string }> };

  it('sends soul prompt + history + user text, streams speakable sentences, then stores the exchange', async () => {
    const soul = registry.get('storyteller')!;
    server.reply({ kind: 'stream', tokens: ['Once upon a **time**, ', 'there was a kiwi. ', 'It lived at [the zoo](https://zoo.example/k). ', 'The end! 🥝'] });
    const answer = await turn()(request('Tell me a story', { language: 'de' }), soul);
    expect(answer.command).toBe('llm');
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['Once upon a time, there was a kiwi.', 'It lived at the zoo.', 'The end!']);
    const body = sentBody(0);
    expect(body.model).toBe('config-model');
    expect(body.messages).toEqual([
      { role: 'system', content: registry.composePrompt(soul, { speakerName: 'Alice', language: 'de' }) },
      { role: 'user', content: 'Tell me a story' },
    ]);
    expect(body.messages[0]!.content).toContain('"de"');
    expect(context.history('alice')).toEqual([
      { role: 'user', content: 'Tell me a story' },
      { role: 'assistant', content: 'Once upon a **time**, there was a kiwi. It lived at [the zoo](https://zoo.example/k). The end! 🥝' },
    ]);

    server.reply({ kind: 'stream', tokens: ['Sure.'] });
    await collect((await turn()(request('Another one'), soul)).reply as AsyncIterable<string>);
    expect(sentBody(1).messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sentBody(1).messages.at(-1)).toEqual({ role: 'user', content: 'Another one' });
  });

  it("uses the soul's model override", async () => {
    const soul = { ...registry.get('comedian')!, model: 'soul-model' };
    await collect((await turn()(request('joke'), soul)).reply as AsyncIterable<string>);
    expect(sentBody(0).model).toBe('soul-model');
  });

  it('yields the first sentence while the rest is still being written', async () => {
    // The first chunk of bytes holds the first sentence and the start of the next word (a
    // sentence end is confirmed by the word after it); the rest is held back until the test lets it go.
    const tokens = ['The first sentence arrives quickly.', ' The second', ' takes', ' a while.'];
    const events = openAiStream(tokens, 'config-model').split(/(?<=\n\n)/);
    const head = Buffer.byteLength(events.slice(0, 3).join(''));
    let writeOn!: () => void;
    server.reply({ kind: 'stream', tokens, chunkBytes: [head, 60], rest: new Promise<void>((r) => (writeOn = r)) });
    const answer = await turn()(request('hi'), registry.get('default')!);
    const sentences = (answer.reply as AsyncIterable<string>)[Symbol.asyncIterator]();
    expect(await sentences.next()).toEqual({ done: false, value: 'The first sentence arrives quickly.' }); // the rest is not even sent yet
    writeOn();
    expect(await sentences.next()).toEqual({ done: false, value: 'The second takes a while.' });
    expect((await sentences.next()).done).toBe(true);
  });

  it('emits LLM_TOKEN in batches (not one per token) and LLM_COMPLETE with text, model and ms', async () => {
    const tokens = Array.from({ length: 200 }, (_, i) => `w${i} `);
    server.reply({ kind: 'stream', tokens, chunkBytes: [900], delayMs: 20 });
    await collect((await turn({ tokenIntervalMs: 100 })(request('count'), registry.get('default')!)).reply as AsyncIterable<string>);
    const tokenEvents = named('LLM_TOKEN');
    expect(tokenEvents.map((e) => e.data.text).join('')).toBe(tokens.join(''));
    expect(tokenEvents.length).toBeGreaterThan(1);
    expect(tokenEvents.length).toBeLessThan(tokens.length / 5);
    const [done] = named('LLM_COMPLETE');
    expect(done!.data).toMatchObject({ text: tokens.join(''), model: 'config-model', status: 'complete', soul: 'default', speaker_id: 'alice' });
    expect(done!.data.ms).toBeGreaterThan(0);
    expect(done!.data.first_token_ms).toBeLessThanOrEqual(done!.data.ms as number);
  });

  it('a backend that is down gives a spoken, localized sentence instead of silence', async () => {
    llm = new OpenAiLlm(llmConfig({ base_url: `http://127.0.0.1:${await closedPort()}/v1` }), { retries: 1, backoffMs: 5 });
    const ru = await phrases.get('ru');
    const answer = await turn()(request('Привет', { language: 'ru' }), registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual([ru.unreachable]);
    expect(named('ERROR')[0]!.data).toMatchObject({ code: 'llm_unreachable' });
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'error', error: 'llm_unreachable' });
    expect(context.history('alice')).toEqual([]);
  });

  it('a wrong API key is said as such', async () => {
    server.reply({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key' } } });
    const answer = await turn()(request('hi', { language: 'ja' }), registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual([(await phrases.get('ja')).unauthorized]);
  });

  it('an answer with nothing to say aloud says so, in the speaker\'s language, instead of silence', async () => {
    server.reply({ kind: 'stream', tokens: [] }, { kind: 'stream', tokens: ['```\nls -la\n```'] });
    const tr = await phrases.get('tr');
    const empty = await turn()(request('hmm', { language: 'tr' }), registry.get('default')!);
    expect(await collect(empty.reply as AsyncIterable<string>)).toEqual([tr.no_answer]);
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'complete', text: '' });
    // A reply that is only code is not "no answer": the code is mentioned instead.
    const code = await turn()(request('show me', { language: 'tr' }), registry.get('default')!);
    expect(await collect(code.reply as AsyncIterable<string>)).toEqual([tr.code]);
  });

  it('a failure after sentences were spoken says the connection was lost; nothing is stored', async () => {
    server.reply({ kind: 'stream', tokens: ['Here is the first part of it. ', 'And then the'], cut: true, chunkBytes: [500] });
    const answer = await turn()(request('explain'), registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['Here is the first part of it.', (await phrases.get('en')).interrupted]);
    expect(context.history('alice')).toEqual([]);
  });

  it('an aborted answer ends the reply quietly and is not stored', async () => {
    // After the first two tokens the model writes nothing more: only the abort can end this answer.
    const tokens = ['First sentence is here. ', 'Second sentence. ', 'Third.'];
    const head = Buffer.byteLength(openAiStream(tokens, 'config-model').split(/(?<=\n\n)/).slice(0, 3).join(''));
    server.reply({ kind: 'stream', tokens, chunkBytes: [head, 100], rest: new Promise(() => undefined) });
    const controller = new AbortController();
    const answer = await turn()(request('talk', { signal: controller.signal }), registry.get('default')!);
    const heard: string[] = [];
    for await (const sentence of answer.reply as AsyncIterable<string>) {
      heard.push(sentence);
      controller.abort();
    }
    expect(heard).toEqual(['First sentence is here.']);
    await expect.poll(() => named('LLM_COMPLETE')).toHaveLength(1);
    expect(context.history('alice')).toEqual([]); // stored (or not) before LLM_COMPLETE went out
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'aborted' });
    expect(named('ERROR')).toEqual([]);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('an nsfw soul talks in its own context; the everyday one is untouched and comes back', async () => {
    const everyday = registry.get('default')!;
    const siren = registry.get('siren')!;
    expect(siren.nsfw).toBe(true);
    server.reply({ kind: 'stream', tokens: ['Everyday answer.'] }, { kind: 'stream', tokens: ['Private answer.'] }, { kind: 'stream', tokens: ['Back again.'] });
    await collect((await turn()(request('everyday question'), everyday)).reply as AsyncIterable<string>);
    await collect((await turn()(request('private question'), siren)).reply as AsyncIterable<string>);
    await collect((await turn()(request('next question'), everyday)).reply as AsyncIterable<string>);
    expect(sentBody(1).messages.slice(1)).toEqual([{ role: 'user', content: 'private question' }]);
    expect(sentBody(2).messages.slice(1).map((m) => m.content)).toEqual(['everyday question', 'Everyday answer.', 'next question']);
    expect(context.history('alice:nsfw').map((m) => m.content)).toEqual(['private question', 'Private answer.']);
    expect(contextKey({ speaker: null }, siren)).toBe('guest:nsfw');
  });

  it('keeps typed turns (the owner at the dashboard) out of the conversation unknown voices share, and the other way round', async () => {
    const soul = registry.get('default')!;
    server.reply({ kind: 'stream', tokens: ['Noted.'] }, { kind: 'stream', tokens: ['I cannot say.'] }, { kind: 'stream', tokens: ['Hello.'] });
    await collect((await turn()(request('my bank PIN is 4711', { speaker: null, source: 'text' }), soul)).reply as AsyncIterable<string>);
    await collect((await turn()(request('what did they just type?', { speaker: null, source: 'mic' }), soul)).reply as AsyncIterable<string>);
    await collect((await turn()(request('and what did the voice ask?', { speaker: null, source: 'text' }), soul)).reply as AsyncIterable<string>);
    expect(sentBody(1).messages.slice(1)).toEqual([{ role: 'user', content: 'what did they just type?' }]);
    expect(sentBody(2).messages.slice(1).map((m) => m.content)).toEqual(['my bank PIN is 4711', 'Noted.', 'and what did the voice ask?']);
    expect(contextKey({ speaker: null, source: 'text' }, soul)).toBe('typed');
    expect(contextKey({ speaker: null, source: 'mic' }, soul)).toBe('guest');
  });

  it("a reasoning model's <think> block is neither spoken, shown nor kept in the conversation", async () => {
    server.reply({ kind: 'stream', tokens: ['<th', 'ink>\nThe user wants the capital. ', 'It is Paris, I am sure of it.\n</thi', 'nk>\n\n', 'The capital of France is Paris.'], perEvent: true });
    const answer = await turn()(request('capital of France?'), registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual(['The capital of France is Paris.']);
    expect(named('LLM_TOKEN').map((e) => e.data.text).join('')).not.toContain('Paris, I am sure');
    expect(named('LLM_COMPLETE')[0]!.data).toMatchObject({ status: 'complete', text: '\n\nThe capital of France is Paris.' });
    expect(context.history('alice').at(-1)).toEqual({ role: 'assistant', content: '\n\nThe capital of France is Paris.' });
  });

  it('a runaway answer is cut at its last complete sentence and its request closed', async () => {
    // A small model repeating itself: it would write 5000 sentences, slowly, if it were let.
    const tokens = Array.from({ length: 5000 }, (_, i) => `Sentence ${i} again. `);
    server.reply({ kind: 'stream', tokens, perEvent: true, delayMs: 2 });
    const answer = await turn({ maxAnswerChars: 200 })(request('loop'), registry.get('default')!);
    const heard = await collect(answer.reply as AsyncIterable<string>);
    expect(heard.join(' ').length).toBeLessThanOrEqual(200);
    expect(heard.join(' ')).toMatch(/^Sentence 0 again\. Sentence 1 again\..*again\.$/);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
    const [done] = named('LLM_COMPLETE');
    expect(done!.data).toMatchObject({ status: 'complete' });
    expect((done!.data.text as string).length).toBeLessThan(220);
    expect(context.history('alice').at(-1)!.content.length).toBeLessThan(220);
  });

  it('a model that thinks without end is stopped too, and the user hears that there was no answer', async () => {
    const tokens = ['<think>', ...Array.from({ length: 5000 }, (_, i) => `Hmm, thought ${i}. `)];
    server.reply({ kind: 'stream', tokens, perEvent: true, delayMs: 2 });
    const answer = await turn({ maxAnswerChars: 100 })(request('hard question'), registry.get('default')!);
    expect(await collect(answer.reply as AsyncIterable<string>)).toEqual([(await phrases.get('en')).no_answer]);
    expect((await server.whenClosed(0)).closedEarly).toBe(true);
  });

  it('says a code block is not read aloud, in the speaker\'s language', async () => {
    server.reply({ kind: 'stream', tokens: ['Voici le script :\n', '```bash\n', 'rm -rf /tmp/x\n', '```\n', 'Lancez-le. ', 'Voilà !'] });
    const answer = await turn()(request('script', { language: 'fr' }), registry.get('default')!);
    const fr = await phrases.get('fr');
    expect((await collect(answer.reply as AsyncIterable<string>)).join(' ')).toBe(`Voici le script : ${fr.code} Lancez-le. Voilà !`);
  });

  it('with no LLM configured the turn throws llm_not_configured', async () => {
    llm = undefined;
    await expect(turn()(request('hi'), registry.get('default')!)).rejects.toMatchObject({ code: 'llm_not_configured' });
  });
});
