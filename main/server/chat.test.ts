import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '../contract/events.ts';
import { routes } from '../contract/routes.ts';
import { FakeHomeAssistant } from '../testing/fake-home-assistant.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';

const chat = async (k: TestKiwi, text: string, language?: string) => {
  const res = await k.request('POST', '/api/chat', { body: { text, speak: false, ...(language ? { language } : {}) } });
  expect(res.status, res.text).toBe(200);
  // Every chat runs as a turn: its id comes with the answer (the turn tests check what it names).
  const { turn_id, ...answer } = routes.chat.response.parse(res.json);
  expect(turn_id).toMatch(/^turn_/);
  return answer;
};

describe('POST /api/chat without an LLM or Home Assistant', () => {
  let k: TestKiwi;
  beforeAll(async () => (k = await startTestKiwi()));
  afterAll(async () => k?.cleanup());

  it('answers built-in commands', async () => {
    const answer = await chat(k, 'What time is it?');
    expect(answer.command).toBe('time');
    expect(answer.reply).toMatch(/\d/);
  });

  it.each([
    ['ru', 'Который час?'],
    ['es', '¿Qué hora es?'],
    ['de', 'Wie spät ist es?'],
    ['zh', '现在几点？'],
    ['ja', '今何時ですか'],
  ])('answers the time command in %s', async (language, text) => {
    const answer = await chat(k, text, language);
    expect(answer.command).toBe('time');
    expect(answer.reply).toMatch(/\d/);
  });

  it('switches the soul by command, visible through the API', async () => {
    expect((await chat(k, 'Be a comedian')).command).toBe('switch_soul');
    expect((await k.request('GET', '/api/soul/current')).json).toMatchObject({ id: 'comedian' });
    await chat(k, 'default mode');
    expect((await k.request('GET', '/api/soul/current')).json).toMatchObject({ id: 'default' });
  });

  it('says, in the language asked, that nothing else can answer', async () => {
    expect(await chat(k, 'Tell me a joke about penguins')).toEqual({ command: null, reply: expect.stringMatching(/no language model/) });
    expect((await chat(k, 'Erzähl mir einen Witz', 'de')).reply).toMatch(/Sprachmodell/);
  });

  it('refuses an empty text with a 400', async () => {
    const res = await k.request('POST', '/api/chat', { body: { text: '   ' } });
    expect(res.status).toBe(400);
  });
});

describe('POST /api/chat routing to Home Assistant and an LLM (stand-ins for both)', () => {
  const token = 'ha-token-for-chat-tests';
  let k: TestKiwi;
  let ha: FakeHomeAssistant;
  let llm: LlmStandin;
  beforeAll(async () => {
    ha = new FakeHomeAssistant(token);
    await ha.start();
    llm = await LlmStandin.start('openai'); // stands in for any OpenAI-compatible server (Ollama, llama.cpp, OpenAI)
    k = await startTestKiwi({
      config: {
        llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' },
        homeassistant: { enabled: true, url: `http://127.0.0.1:${ha.port}`, token },
      },
    });
  });
  afterAll(async () => {
    await k?.cleanup();
    await ha?.stop();
    await llm?.close();
  });

  it('sends what Home Assistant understands to Home Assistant', async () => {
    ha.understands = true;
    expect(await chat(k, 'Turn on the bedroom lights')).toEqual({ command: 'homeassistant', reply: 'Done, bedroom lights are on.' });
  });

  it('asks the LLM, with the soul prompt, when Home Assistant matched no intent', async () => {
    ha.understands = false;
    llm.reply({ kind: 'stream', tokens: ['Penguins ', 'wear ', 'tuxedos. ', 'Always.'] });
    const before = llm.requests.length;
    expect(await chat(k, 'Tell me a joke about penguins')).toEqual({ command: 'llm', reply: 'Penguins wear tuxedos. Always.' });
    const sent = llm.requests[before]!.body as { model: string; messages: Array<{ role: string; content: string }> };
    expect(sent.model).toBe('test-model');
    expect(sent.messages[0]!.role).toBe('system');
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: 'Tell me a joke about penguins' });
  });

  it('Stop ends a command Home Assistant is slow to answer: the request to it is closed, and it is still connected', async () => {
    ha.understands = true;
    ha.mode = 'hang';
    try {
      const sent = ha.requests.length;
      const answer = k.request('POST', '/api/chat', { body: { text: 'Turn on the porch light', speak: false } });
      await expect.poll(() => ha.requests.slice(sent).some((r) => r.path === '/api/conversation/process')).toBe(true);
      expect((await k.request('POST', '/api/stop')).status).toBe(200);
      const res = await answer;
      expect(res.status, res.text).toBe(200);
      expect(routes.chat.response.parse(res.json)).toMatchObject({ command: null, interrupted: 'stopped' });
      await expect.poll(() => ha.abandoned).toBe(1);
      expect((await k.request('GET', '/api/homeassistant/status')).json).toMatchObject({ connected: true });
    } finally {
      ha.mode = 'ok';
    }
  });

  it('speaks a localized error when the LLM is down, and the turn ends with its code', async () => {
    ha.understands = false;
    llm.reply(...Array.from({ length: 6 }, () => ({ kind: 'reset' as const })));
    const finished = new Promise<EventData<'TURN_FINISHED'>>((resolve) => {
      const off = k.kiwi.runtime.bus.on('TURN_FINISHED', (data) => (off(), resolve(data)));
    });
    const answer = await chat(k, 'What is the meaning of life?');
    expect(answer.reply).toMatch(/can't reach the language model/);
    expect(answer.error).toMatchObject({ code: 'llm_unreachable', message: expect.stringContaining('cannot reach') });
    expect((await finished).error).toEqual(answer.error);
  }, 30_000);

  it('Home Assistant failing with no LLM to fall back to: said in words, and coded', async () => {
    const bare = await startTestKiwi({ config: { homeassistant: { enabled: true, url: `http://127.0.0.1:${ha.port}`, token: 'a-wrong-token' } } });
    try {
      // A wrong token is said as a refusal (not as an outage), in the language asked.
      const answer = await chat(bare, 'Turn on the bedroom lights');
      expect(answer).toMatchObject({
        command: 'homeassistant',
        reply: 'Home Assistant refused my access. Please check the Home Assistant token in the settings.',
        error: { code: 'homeassistant_failed' },
      });
      expect(answer.error!.message).toMatch(/rejected the access token/);
      expect(answer.error!.message).not.toContain('a-wrong-token');
      expect((await chat(bare, 'Mach das Licht an', 'de')).reply).toBe('Home Assistant hat meinen Zugang abgelehnt. Bitte prüf das Home-Assistant-Token in den Einstellungen.');
    } finally {
      await bare.cleanup();
    }
    // Nothing listening at the address: that one is an outage.
    const gone = new FakeHomeAssistant(token);
    await gone.start();
    const url = `http://127.0.0.1:${gone.port}`;
    await gone.stop();
    const away = await startTestKiwi({ config: { homeassistant: { enabled: true, url, token } } });
    try {
      expect(await chat(away, 'Turn on the bedroom lights')).toMatchObject({ reply: "I can't reach Home Assistant right now.", error: { code: 'homeassistant_failed' } });
    } finally {
      await away.cleanup();
    }
  });

  it('Home Assistant doing a command without a word (empty speech): Kiwi says it is done, not silence', async () => {
    const bare = await startTestKiwi({ config: { homeassistant: { enabled: true, url: `http://127.0.0.1:${ha.port}`, token } } });
    ha.understands = true;
    ha.speech = '  ';
    try {
      expect(await chat(bare, 'Turn on the bedroom lights')).toEqual({ command: 'homeassistant', reply: 'Done.' });
      expect((await chat(bare, 'Включи свет', 'ru')).reply).toBe('Готово.');
    } finally {
      ha.speech = 'Done, bedroom lights are on.';
      await bare.cleanup();
    }
  });
});
