import fs from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import type { EventData } from '../contract/events.ts';
import { authOn, bearer, scopeTokens } from '../testing/api-auth.ts';
import { makeTempDir, startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { LlmStandin } from '../testing/llm-standins.ts';

// GET /api/conversation through a real Kiwi: typed turns run through the engine (commands and an
// OpenAI-compatible LLM stand-in), are written to the SQLite store, survive a restart and are
// private per speaker when auth is on.

const tokens = { read: 'read-token-history-0123456789', control: 'control-token-history-0123456789', admin: 'admin-token-history-0123456789' };
const annaToken = 'anna-token-history-0123456789';

describe('GET /api/conversation (history of turns)', () => {
  let dataDir: string;
  let llm: LlmStandin;
  let k: TestKiwi;

  const start = async () => {
    const config = {
      llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' },
      // spk_001 is the first speaker the store creates: Anna, below.
      api: authOn([...scopeTokens(tokens), { name: 'anna-phone', token: annaToken, scopes: ['control'], speaker_id: 'spk_001' }]),
    };
    await fs.writeFile(path.join(dataDir, 'config.yaml'), YAML.stringify(config), { mode: 0o600 });
    return startTestKiwi({ env: { KIWI_DATA_DIR: dataDir } });
  };
  const get = (query: string, token = tokens.admin) => k.request('GET', `/api/conversation${query}`, { headers: bearer(token) });
  const history = async (query = '', token = tokens.admin) => {
    const res = await get(query, token);
    expect(res.status, res.text).toBe(200);
    return routes.conversation.response.parse(res.json).turns;
  };
  const chat = async (text: string) => {
    const res = await k.request('POST', '/api/chat', { body: { text, speak: false }, headers: bearer(tokens.control) });
    expect(res.status, res.text).toBe(200);
    return routes.chat.response.parse(res.json);
  };

  beforeAll(async () => {
    dataDir = await makeTempDir('kiwi-history-api-');
    llm = await LlmStandin.start('openai');
    k = await start();
  });
  afterAll(async () => {
    await k?.cleanup();
    await llm?.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('starts empty, and keeps each typed turn with its transcript, command, reply, timings and LLM facts', async () => {
    expect(await history()).toEqual([]);
    const time = await chat('What time is it?');
    llm.reply({ kind: 'stream', tokens: ['Penguins ', 'waddle.'] });
    const joke = await chat('Tell me a joke about penguins');
    const turns = await history();
    expect(turns.map((t) => t.turn_id)).toEqual([time.turn_id, joke.turn_id]); // oldest first
    expect(turns[0]).toMatchObject({ source: 'text', wake: false, transcript: 'What time is it?', speaker: null, command: 'time', reply: time.reply, llm: null });
    expect(turns[0]!.timings_ms.total).toBeGreaterThanOrEqual(0);
    expect(Date.parse(turns[0]!.at)).not.toBeNaN();
    expect(turns[1]).toMatchObject({ transcript: 'Tell me a joke about penguins', command: 'llm', reply: 'Penguins waddle.' });
    expect(turns[1]!.llm).toMatchObject({ model: 'test-model', soul: 'default', status: 'complete' });
  });

  it('answers the newest `limit` turns, still oldest first', async () => {
    const third = await chat('What time is it?');
    const last2 = await history('?limit=2');
    expect(last2).toHaveLength(2);
    expect(last2[1]!.turn_id).toBe(third.turn_id);
    expect((await history('?limit=500')).length).toBe(3);
  });

  it('pages back with ?before=<turn_id>: each turn once, oldest first, has_more until the first; a call without it is unchanged', async () => {
    const all = await history('?limit=500');
    expect(all.length).toBeGreaterThanOrEqual(3);
    const newest = (await get('?limit=2')).json as { turns: Array<{ turn_id: string }>; has_more: boolean };
    expect(newest.turns.map((t) => t.turn_id)).toEqual(all.slice(-2).map((t) => t.turn_id));
    expect(newest.has_more).toBe(true);
    const seen: string[] = [];
    let page = newest;
    for (;;) {
      seen.unshift(...page.turns.map((t) => t.turn_id));
      if (!page.has_more) break;
      const res = await get(`?limit=2&before=${encodeURIComponent(page.turns[0]!.turn_id)}`);
      expect(res.status, res.text).toBe(200);
      page = routes.conversation.response.parse(res.json);
    }
    expect(seen).toEqual(all.map((t) => t.turn_id));
    expect((await get('?limit=500')).json).toMatchObject({ has_more: false });
    // Before the very first turn: nothing older, not an error.
    expect((await get(`?before=${all[0]!.turn_id}`)).json).toEqual({ turns: [], has_more: false });
  });

  it('answers 404 for a ?before turn it does not keep, and 400 for an empty one', async () => {
    const res = await get('?before=turn_never_was');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/^Unknown turn 'turn_never_was': the history no longer keeps it/) } });
    expect((await get('?before=')).status).toBe(400);
  });

  it('keeps a stopped turn with the command that ran and its reply, marked interrupted', async () => {
    // A speaker that plays until it is stopped: the stop surely arrives while the reply plays.
    const removeSink = k.kiwi.runtime.hub.addSink({
      id: 'held-speaker',
      play: (_audio, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
    });
    try {
      const speaking = new Promise<void>((resolve) => {
        const off = k.kiwi.runtime.bus.on('TTS_STARTED', () => (off(), resolve()));
      });
      const answer = k.request('POST', '/api/chat', { body: { text: 'What time is it?', speak: true }, headers: bearer(tokens.control) });
      await speaking;
      expect((await k.request('POST', '/api/stop', { headers: bearer(tokens.control) })).status).toBe(200);
      const res = await answer;
      const stopped = routes.chat.response.parse(res.json);
      expect(stopped).toMatchObject({ command: 'time', reply: expect.stringMatching(/\d/), interrupted: 'stopped' });
      expect((await history()).at(-1)).toMatchObject({ turn_id: stopped.turn_id, command: 'time', reply: stopped.reply, interrupted: 'stopped' });
    } finally {
      removeSink();
    }
  });

  it.each(['?limit=0', '?limit=501', '?limit=abc', '?limit=2.5', '?limit=', '?other=1'])('refuses %s with a 400 and a clear error', async (query) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: 'invalid_request', message: expect.stringMatching(/^Invalid query: /) } });
  });

  it('says so when a parameter is given twice (it was "expected number, received NaN")', async () => {
    expect((await get('?limit=5&limit=6')).json).toEqual({ error: { code: 'invalid_request', message: 'Invalid query: limit is given more than once' } });
  });

  it('is private per speaker with auth on: admin sees all, a speaker token its own, other tokens none', async () => {
    const { store, bus } = k.kiwi.runtime;
    const anna = store.speakers.create({ name: 'Anna', priority: 0 });
    const ben = store.speakers.create({ name: 'Ben', priority: 1 });
    expect(anna.id).toBe('spk_001');
    // Voice turns as the engine reports them (audio-driven turns are covered by the models tests).
    const voiceTurn = (id: string, speaker: { id: string; name: string }, transcript: string): EventData<'TURN_FINISHED'> => ({
      turn_id: id,
      wake: true,
      transcript,
      language: 'en',
      speaker: { ...speaker, confidence: 0.9 },
      command: 'time',
      reply: 'It is noon.',
      timings_ms: { transcript: 120, total: 900 },
      source: 'system:microphone',
    });
    bus.emit('TURN_FINISHED', voiceTurn('turn_anna_1', anna, 'Kiwi, what time is it'), 'engine');
    bus.emit('TURN_FINISHED', voiceTurn('turn_ben_1', ben, 'Kiwi, what time is it for Ben'), 'engine');
    bus.emit('TURN_FINISHED', { ...voiceTurn('turn_noise', ben, 'not for Kiwi'), ignored: 'no wake word', command: null, reply: null }, 'engine');

    const all = await history();
    expect(all.map((t) => t.turn_id).slice(-2)).toEqual(['turn_anna_1', 'turn_ben_1']); // the ignored utterance was not kept
    expect((await history('', annaToken)).map((t) => t.turn_id)).toEqual(['turn_anna_1']);
    // Paging back is private too: Anna cannot page from Ben's turn (it is not hers to know of).
    expect((await get('?before=turn_ben_1', annaToken)).status).toBe(404);
    expect((await get('?before=turn_anna_1', tokens.read)).status).toBe(404);
    expect((await get('?before=turn_ben_1')).json).toMatchObject({ turns: expect.arrayContaining([expect.objectContaining({ turn_id: 'turn_anna_1' })]) });
    expect(await history('', tokens.read)).toEqual([]);
    expect(await history('', tokens.control)).toEqual([]);
    expect((await k.request('GET', '/api/conversation')).status).toBe(401);
  });

  it('survives a restart; a deleted speaker takes their turns along, and so does forgetting a speaker', async () => {
    const before = await history();
    await k.kiwi.stop('restart test');
    k = await start();
    expect(await history()).toEqual(before);
    const del = await k.request('DELETE', '/api/speakers/spk_002', { headers: bearer(tokens.admin) });
    expect(del.status, del.text).toBe(200);
    expect((await history()).map((t) => t.turn_id)).not.toContain('turn_ben_1');
    expect((await history()).map((t) => t.turn_id)).toContain('turn_anna_1');
    // "Forget everything about Anna" takes her history too.
    const forget = await k.request('DELETE', '/api/speakers/spk_001/memory', { headers: bearer(tokens.admin) });
    expect(forget.json).toMatchObject({ speaker_id: 'spk_001', deleted_turns: 1 });
    expect((await history()).map((t) => t.turn_id)).not.toContain('turn_anna_1');
  });

  it('is in the OpenAPI document with its limit parameter', async () => {
    const doc = (await k.request('GET', '/api/openapi.json', { headers: bearer(tokens.admin) })).json as {
      paths: Record<string, { get?: { parameters?: Array<{ name: string; in: string; schema: { minimum?: number; maximum?: number } }> } }>;
    };
    const limit = doc.paths['/api/conversation']?.get?.parameters?.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ in: 'query', schema: { minimum: 1, maximum: 500 } });
    expect(doc.paths['/api/conversation']?.get?.parameters?.find((p) => p.name === 'before')).toMatchObject({ in: 'query' });
    expect(doc.paths['/api/audio/devices']?.get).toBeDefined();
  });
});
