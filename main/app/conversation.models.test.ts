import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { EventEnvelope } from '../contract/events.ts';
import type { TurnResult } from '../engine/listening/turn.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { OpenClawGatewayStandin } from '../llm/testing/openclaw-gateway-standin.ts';
import { createLogger } from '../platform/logger.ts';
import { FakeHomeAssistant } from '../testing/fake-home-assistant.ts';
import { LlmStandin } from '../testing/llm-standins.ts';
import { KiwiRuntime } from './runtime.ts';

/**
 * Whole spoken turns (espeak-ng speech → Silero VAD → Whisper tiny.en → router → LLM / Home
 * Assistant → Piper) against stand-ins that speak the real wire protocols: an OpenAI-compatible
 * SSE server (for Ollama, llama.cpp, OpenAI...), Anthropic's Messages stream, the OpenClaw
 * gateway WebSocket, and Home Assistant's REST API.
 */
describeWithModels('conversation turns from speech (real models, stand-in peers)', (modelsDir) => {
  const haToken = 'ha-token-conversation-test';
  let openai: LlmStandin;
  let ha: FakeHomeAssistant;
  const runtimes: KiwiRuntime[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    expect(speechToolsMissing()).toBeNull();
    openai = await LlmStandin.start('openai');
    ha = new FakeHomeAssistant(haToken);
    await ha.start();
  });
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.close();
  });
  afterAll(async () => {
    await openai?.close();
    await ha?.stop();
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  async function start(config: Record<string, unknown>) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-conversation-'));
    dirs.push(dir);
    await fs.writeFile(path.join(dir, 'config.yaml'), YAML.stringify(config));
    const runtime = await KiwiRuntime.create({
      env: { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: modelsDir, KIWI_WAKE_WORD_ENGINE: 'text', KIWI_TTS_PROVIDER: 'piper', KIWI_AUTO_DOWNLOAD_MODELS: 'false' },
      logger: createLogger({ KIWI_LOG_LEVEL: 'silent' }),
    });
    runtimes.push(runtime);
    const events: EventEnvelope[] = [];
    runtime.bus.subscribe((e) => events.push(e));
    return { runtime, events };
  }

  async function say(runtime: KiwiRuntime, text: string, source = 'mic', voice = 'en-us'): Promise<TurnResult[]> {
    const results: TurnResult[] = [];
    const off = runtime.engine.onResult((r) => results.push(r));
    const audio = concat(silence(0.5), speak(text, voice), silence(1.5));
    const session = runtime.engine.listen(source, { awaitTurns: true });
    for (let at = 0; at < audio.length; at += 1600) await session.push(audio.subarray(at, at + 1600));
    await runtime.engine.endSource(source);
    off();
    return results;
  }

  const openaiConfig = () => ({ llm: { provider: 'openai', base_url: openai.baseUrl, model: 'standin-model' } });

  it('the LLM gets the soul prompt and the words; the first sentence plays before the answer is finished', async () => {
    const { runtime, events } = await start(openaiConfig());
    openai.reply({ kind: 'stream', tokens: ['Penguins live ', 'in the south. ', 'They cannot fly, ', 'but they swim ', 'very well.'], chunkBytes: [120], delayMs: 400 });
    const before = openai.requests.length;
    const results = await say(runtime, 'Kiwi, tell me about penguins.');
    const answered = results.find((r) => r.command === 'llm');
    expect(answered?.reply, JSON.stringify(results)).toBe('Penguins live in the south. They cannot fly, but they swim very well.');
    const sent = openai.requests[before]!.body as { messages: Array<{ role: string; content: string }> };
    const soulPrompt = (await fs.readFile(path.join('resources', 'souls', 'default.md'), 'utf8')).split('---').pop()!.trim().slice(0, 60);
    expect(sent.messages[0]!.content).toContain(soulPrompt);
    expect(sent.messages.at(-1)!.content.toLowerCase()).toMatch(/tell me about penguins/);
    const at = (name: string) => events.findIndex((e) => e.event === name);
    expect(at('TTS_STARTED')).toBeGreaterThan(-1);
    expect(at('TTS_STARTED')).toBeLessThan(at('LLM_COMPLETE')); // streaming speech, not wait-then-speak
  }, 120_000);

  it('stop cancels the LLM request, synthesis and playback together', async () => {
    const { runtime, events } = await start(openaiConfig());
    openai.reply({ kind: 'stream', tokens: Array.from({ length: 40 }, (_, i) => `Sentence number ${i + 1} of a very long answer. `), chunkBytes: [150], delayMs: 300 });
    const before = openai.requests.length;
    const turn = say(runtime, 'Kiwi, tell me a very long story.');
    for (let waited = 0; !events.some((e) => e.event === 'TTS_STARTED') && waited < 60_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    runtime.engine.stop();
    await turn;
    for (let waited = 0; !openai.requests[before]?.closedEarly && waited < 5000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(openai.requests[before]!.closedEarly).toBe(true);
    expect(events.find((e) => e.event === 'TTS_FINISHED')?.data).toMatchObject({ interrupted: true });
    expect(events.find((e) => e.event === 'LLM_COMPLETE')?.data).toMatchObject({ status: 'aborted' });
  }, 120_000);

  it('switches the soul by voice: any voice while no owner is enrolled (open household); then the owner may, an unknown voice may not', async () => {
    // Two espeak-ng voices the speaker model tells apart (main/speakers/identification/identification.models.test.ts).
    const { runtime } = await start({ ...openaiConfig(), voice: { speaker_threshold: 0.8 } });
    const open = await say(runtime, 'Kiwi, switch to the comedian.', 'mic-stranger', 'en-us+f3');
    expect(open.find((r) => r.reply)?.command, JSON.stringify(open)).toBe('switch_soul');
    expect(runtime.souls.active.id).toBe('comedian');
    runtime.souls.switchTo('default');
    const clip = (text: string) => ({ samples: speak(text), sampleRate: 16000 });
    await runtime.enrollment.enrol({
      name: 'Bob',
      priority: 'owner',
      clips: [clip('I like walking by the river in the early morning.'), clip('My favourite colour is green.'), clip('Please remember what my voice sounds like.')],
    });
    const refused = await say(runtime, 'Kiwi, switch to the comedian.', 'mic-stranger', 'en-us+f3');
    expect(refused.find((r) => r.reply), JSON.stringify(refused)).toMatchObject({ command: 'switch_soul', speaker: null, reply: 'Sorry, I only do that for people I know.' });
    expect(runtime.souls.active.id).toBe('default');
    const results = await say(runtime, 'Kiwi, switch to the comedian.');
    expect(results.find((r) => r.reply)?.command, JSON.stringify(results)).toBe('switch_soul');
    expect(runtime.souls.active.id, JSON.stringify(results)).toBe('comedian');
  }, 90_000);

  it('sends a spoken smart-home request to Home Assistant with the token, and speaks its answer', async () => {
    // Padded to 30 s: on its own 5 s window (the default) tiny.en hears this en-us clip as "turn on the madroom lights".
    const { runtime } = await start({ stt_full_window: true, homeassistant: { enabled: true, url: `http://127.0.0.1:${ha.port}`, token: haToken } });
    ha.understands = true;
    const results = await say(runtime, 'Kiwi, turn on the bedroom lights.');
    expect(results.find((r) => r.reply), JSON.stringify(results)).toMatchObject({ command: 'homeassistant', reply: 'Done, bedroom lights are on.' });
    const request = ha.requests.filter((r) => r.path === '/api/conversation/process').at(-1)!;
    expect(request.authorization).toBe(`Bearer ${haToken}`);
    expect((request.body as { text: string }).text.toLowerCase()).toMatch(/turn on the bedroom lights/);
  }, 60_000);

  it('answers through the Anthropic Messages stream', async () => {
    const anthropic = await LlmStandin.start('anthropic');
    try {
      // Padded to 30 s: on its own 5 s window (the default) tiny.en hears this en-us clip as "Key we save the law".
      const { runtime } = await start({ stt_full_window: true, llm: { provider: 'anthropic', base_url: anthropic.baseUrl, model: 'claude-standin', api_key: 'sk-ant-test' } });
      anthropic.reply({ kind: 'stream', tokens: ['Hello ', 'from ', 'the stream.'] });
      const results = await say(runtime, 'Kiwi, say hello.');
      expect(results.find((r) => r.command === 'llm')?.reply, JSON.stringify(results)).toBe('Hello from the stream.');
      const sent = anthropic.requests.at(-1)!;
      expect(sent.headers['x-api-key']).toBe('sk-ant-test');
      // Anthropic takes the system prompt beside the messages: it is the soul's prompt, and the words are the user's.
      const body = sent.body as { system: string; messages: Array<{ role: string; content: string }> };
      const soulPrompt = (await fs.readFile(path.join('resources', 'souls', 'default.md'), 'utf8')).split('---').pop()!.trim().slice(0, 60);
      expect(body.system).toContain(soulPrompt);
      expect(body.messages.some((m) => m.role === 'system')).toBe(false);
      expect(body.messages.at(-1)).toMatchObject({ role: 'user' });
      expect(body.messages.at(-1)!.content.toLowerCase()).toMatch(/say hello/);
    } finally {
      await anthropic.close();
    }
  }, 60_000);

  it('answers through the OpenClaw gateway', async () => {
    const gateway = await OpenClawGatewayStandin.start({ token: 'claw-token', challenge: true });
    try {
      const { runtime } = await start({ llm: { provider: 'openclaw', base_url: gateway.baseUrl, model: '', api_key: 'claw-token' } });
      gateway.chat({ deltas: ['The gateway ', 'says hi.'] });
      const results = await say(runtime, 'Kiwi, say hi.');
      expect(results.find((r) => r.command === 'llm')?.reply, JSON.stringify(results)).toBe('The gateway says hi.');
      expect(gateway.calls('chat.send').length).toBe(1);
    } finally {
      await gateway.close();
    }
  }, 60_000);
});
