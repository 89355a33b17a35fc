import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import { ConversationContext } from '../../dialogue/conversation-context.ts';
import { createLlmTurn } from '../../dialogue/llm-turn.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { TurnRequest } from '../../engine/listening/turn.ts';
import { resourcesDir } from '../../platform/paths.ts';
import { SoulRegistry } from '../../souls/soul-registry.ts';
import { LlmStandin, openAiToolCallStream, type StandinReply } from '../../testing/llm-standins.ts';
import { LlmPhraseBook } from '../phrases.ts';
import { collect, failure, llmConfig } from '../testing/collect.ts';
import { RealOpenClawGateway, REAL_GATEWAY_ALT_MODEL } from '../testing/openclaw-real-gateway.ts';
import type { LlmConfig } from '../types.ts';
import { OpenClawLlm } from './openclaw-llm.ts';

// The real OpenClaw gateway (the pinned `openclaw` npm package, run on the pinned Node 24 from the
// npm registry, installed once into .kiwi-test/runtimes) with token auth on a loopback port. Its
// agents' model is Kiwi's OpenAI-compatible LLM stand-in: the language model is the one thing here
// that cannot run for real. Device approval is required even for loopback clients
// (autoApproveLocal: false), as a remote gateway requires it, and every host command asks first.
// One gateway serves the whole file (it takes up to a minute to start on a loaded machine); the
// tests run in order and build on each other like one user's first session.
describe('OpenClawLlm against the real OpenClaw gateway', { timeout: 480_000 }, () => {
  let model: LlmStandin;
  let gateway: RealOpenClawGateway;
  let kiwiData: string;
  const clients: OpenClawLlm[] = [];

  // The gateway makes model calls of its own besides the turn's, so the model answers by what it
  // is asked (the newest user message), not by order.
  const answers = new Map<string, StandinReply>();
  const answer = (question: string, reply: StandinReply) => answers.set(question, reply);
  const replyFor = (body: unknown): StandinReply | undefined => {
    const messages = (body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? [];
    // The newest turn decides: a tool's result, else the newest user message that asks a known question.
    for (const message of [...messages].reverse()) {
      if (message.role === 'tool') return answers.get('<tool result>');
      if (message.role !== 'user') continue;
      const text = JSON.stringify(message.content);
      for (const [question, reply] of answers) if (text.includes(question)) return reply;
    }
    return undefined;
  };

  beforeAll(async () => {
    model = await LlmStandin.start('openai');
    model.respond(replyFor);
    gateway = await RealOpenClawGateway.start({ modelBaseUrl: model.baseUrl, agents: ['siren'], autoApproveLocal: false, execMode: 'ask' });
    kiwiData = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-openclaw-data-'));
  }, 600_000);
  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.close();
    await model?.close();
    if (kiwiData) await fs.rm(kiwiData, { recursive: true, force: true });
  });

  const config = (over: Partial<LlmConfig> = {}) => llmConfig({ provider: 'openclaw', base_url: gateway.baseUrl, api_key: gateway.token, timeout_s: 120, ...over });
  const kiwi = (over: Partial<LlmConfig> = {}, options: ConstructorParameters<typeof OpenClawLlm>[1] = {}) => {
    const client = new OpenClawLlm(config(over), { retries: 1, backoffMs: 200, maxBackoffMs: 1000, identityDir: path.join(kiwiData, 'openclaw'), ...options });
    clients.push(client);
    return client;
  };
  const ask = (client: OpenClawLlm, text: string, conversation = 'alice', modelName = '') =>
    collect(client.chat([{ role: 'system', content: 'You are Kiwi, a voice assistant.' }, { role: 'user', content: text }], { model: modelName, conversation } as never));
  type ModelRequest = { model: string; messages: Array<{ role: string; content: unknown }> };
  /** The newest model call that carried `text` (the turn's, not one of the gateway's own). */
  const modelRequestWith = (text: string) => [...model.requests].reverse().map((r) => r.body as ModelRequest).find((b) => JSON.stringify(b.messages).includes(text))!;
  const said = (body: ModelRequest) => JSON.stringify(body.messages);

  it('pairs: the first connect waits for the owner to approve Kiwi’s device, then the device token is kept and reused', async () => {
    const client = kiwi();
    const { error } = await failure(client.chat([{ role: 'user', content: 'hello' }], { model: '' }));
    expect(error).toMatchObject({ code: 'llm_unauthorized' });
    expect(client.pairing).toMatchObject({ state: 'pairing_required', request_id: expect.any(String), device_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const device = await fs.stat(path.join(kiwiData, 'openclaw', 'device.json'));
    expect(device.mode & 0o777).toBe(0o600);

    // The owner approves on the gateway host, as `openclaw devices approve` does it.
    expect(await gateway.approvePendingDevices()).toEqual([client.pairing.request_id]);
    answer('hello', { kind: 'stream', tokens: ['Hello, ', 'I am here.'] });
    expect((await ask(client, 'hello')).join('')).toBe('Hello, I am here.');
    expect(client.pairing).toMatchObject({ state: 'connected', scopes: expect.arrayContaining(['operator.write', 'operator.approvals']) });
    const tokens = path.join(kiwiData, 'openclaw', 'device-tokens.json');
    expect((await fs.stat(tokens)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await fs.readFile(tokens, 'utf8')) as Record<string, { token: string }>;
    expect(stored[`ws://127.0.0.1:${gateway.port}`]?.token).toEqual(expect.any(String));

    // Without the shared token, the device token alone gets in (same device, same data dir).
    const tokenless = kiwi({ api_key: '' });
    answer('who are you?', { kind: 'stream', tokens: ['Still me.'] });
    expect((await ask(tokenless, 'who are you?', 'bob')).join('')).toBe('Still me.');
  });

  it('a streamed answer is spoken sentence by sentence through Kiwi’s LLM turn; an empty one says so', async () => {
    const registry = await SoulRegistry.load(path.join(resourcesDir, 'souls'), path.join(resourcesDir, 'no-user-souls'));
    const soul = registry.get('default')!;
    const bus = new EventBus();
    const client = kiwi();
    const turn = createLlmTurn({ llm: () => client, composePrompt: (s, ctx) => registry.composePrompt(s, ctx), modelFor: () => '', context: new ConversationContext(bus), bus, phrases: new LlmPhraseBook() });
    const request = (text: string): TurnRequest => ({ text, language: 'en', speaker: { id: 'carol', name: 'Carol', priority: 1, confidence: 0.9, blocked: false }, source: 'mic', signal: new AbortController().signal });

    answer('Tell me about kiwis', { kind: 'stream', tokens: ['Kiwis are ', 'birds from New Zealand. ', 'They cannot ', 'fly.'], delayMs: 30, chunkBytes: [40] });
    const story = await turn(request('Tell me about kiwis'), soul);
    expect(await collect(story.reply as AsyncIterable<string>)).toEqual(['Kiwis are birds from New Zealand.', 'They cannot fly.']);
    // The soul's prompt reached the agent with the user's words, in Carol's own session.
    expect(said(modelRequestWith('Tell me about kiwis'))).toContain(registry.composePrompt(soul, { speakerName: 'Carol', language: 'en' }).slice(0, 40));

    // An agent with nothing to say answers NO_REPLY: the gateway ends the run silently (after one retry).
    answer('Say nothing', { kind: 'stream', tokens: ['NO_', 'REPLY'] });
    const empty = await turn(request('Say nothing'), soul);
    expect(await collect(empty.reply as AsyncIterable<string>)).toEqual(['I got no answer this time. Please ask again.']);
  });

  it('an nsfw soul talks to its own agent and session, on the soul’s model', async () => {
    const client = kiwi({ openclaw: { ...DEFAULT_CONFIG.llm.openclaw, nsfw_agent: 'siren', nsfw_session: 'after-dark' } });
    answer('good evening?', { kind: 'stream', tokens: ['Good evening.'] });
    expect((await ask(client, 'good evening?', 'alice:nsfw', `kiwi/${REAL_GATEWAY_ALT_MODEL}`)).join('')).toBe('Good evening.');
    expect(modelRequestWith('good evening?').model).toBe(REAL_GATEWAY_ALT_MODEL);
    const sessions = JSON.parse(await gateway.cli(['sessions', '--agent', 'siren', '--json'])) as { sessions: Array<{ key: string }> };
    expect(sessions.sessions.map((s) => s.key)).toContain('agent:siren:after-dark-alice-nsfw');
  });

  it('an exec approval reaches Kiwi; once allowed, the command runs and every part of the run is spoken', async () => {
    const requests: string[] = [];
    const client: OpenClawLlm = kiwi({}, {
      onApprovalRequest: (request) => {
        requests.push(request.command);
        void client.resolveApproval(request.id, 'allow-once');
      },
    });
    answer('run the echo', { kind: 'raw', text: openAiToolCallStream(['Let me check.'], { name: 'exec', arguments: { command: 'echo kiwi-was-here' } }) });
    answer('<tool result>', { kind: 'stream', tokens: ['Done: ', 'it printed kiwi.'] });
    const text = (await ask(client, 'run the echo', 'owner')).join('');
    expect(requests).toEqual([expect.stringContaining('echo kiwi-was-here')]);
    expect(text).toMatch(/^Let me check\.\s+Done: it printed kiwi\.$/);
    // The command really ran on the gateway host: its output went back to the model.
    expect(said(modelRequestWith('run the echo'))).toContain('kiwi-was-here');
  });

  it('the conversation goes on after the gateway restarts in the middle of it', { timeout: 600_000 }, async () => {
    const client = kiwi();
    answer('What is your favourite colour?', { kind: 'stream', tokens: ['My favourite colour is green.'] });
    await ask(client, 'What is your favourite colour?', 'dave');
    await gateway.restart();
    answer('What did you just say?', { kind: 'stream', tokens: ['I said green.'] });
    expect((await ask(client, 'What did you just say?', 'dave')).join('')).toBe('I said green.');
    // Same session after the restart: the gateway still had the first exchange.
    expect(said(modelRequestWith('What did you just say?'))).toContain('My favourite colour is green.');
  });

  it('a wrong gateway token is a clear llm_unauthorized error, not retried', async () => {
    const client = kiwi({ api_key: 'not-the-gateway-token' }, { identityDir: path.join(kiwiData, 'other-kiwi') });
    const { error } = await failure(client.chat([{ role: 'user', content: 'hello' }], { model: '' }));
    expect(error).toMatchObject({ code: 'llm_unauthorized', message: expect.stringMatching(/token/i) });
    expect(client.pairing.state).toBe('refused');
  });
});
