import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import YAML from 'yaml';
import type { z } from 'zod';
import * as api from '../contract/api.ts';
import { EventEnvelope } from '../contract/events.ts';
import { Engine } from '../engine/engine.ts';
import { routes } from '../contract/routes.ts';
import { FakeHomeAssistant } from '../testing/fake-home-assistant.ts';
import { LlmStandin } from '../testing/llm-standins.ts';
import { spawnKiwiServe } from '../testing/kiwi-serve.ts';
import { eventually, httpRequest, makeTempDir, startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';
import { TestWsClient, expectUpgradeRefused, wsUrl } from '../testing/ws-client.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';

/**
 * The REST/WebSocket API against a real Kiwi on 127.0.0.1 and a random port: every endpoint of
 * the seed (../shared/spec/rest-api-seed.md) with its exact shape, and its error paths.
 */

/** Assert the status, validate the body with the contract's schema, and return it typed. */
function expectOk<S extends z.ZodType>(res: TestResponse, schema: S): z.infer<S> {
  expect(res.status, res.text).toBe(200);
  return schema.parse(res.json);
}

function expectError(res: TestResponse, status: number, code?: string): { code: string; message: string } {
  expect(res.status, res.text).toBe(status);
  const body = api.ErrorBody.parse(res.json);
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

const SEED_LANGUAGES = ['en', 'ru', 'es', 'pt', 'fr', 'it', 'de', 'tr', 'pl', 'zh', 'ja', 'ko', 'hi', 'ar', 'id'];

describe('REST API (seed endpoints)', () => {
  let k: TestKiwi;
  let events: TestWsClient;
  let owner: string;
  let friend: string;
  let guest: string;

  beforeAll(async () => {
    k = await startTestKiwi();
    events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    await events.waitForEvent('CONNECTED');
    const speakers = k.kiwi.runtime.store.speakers;
    owner = speakers.create({ name: 'Owner', priority: 0, sample_count: 42 }).id;
    friend = speakers.create({ name: 'Friend', priority: 1 }).id;
    guest = speakers.create({ name: 'Guest', priority: 2, auto_learned: true }).id;
  });
  afterAll(async () => {
    await events?.close();
    await k?.cleanup();
  });

  describe('GET /api/status', () => {
    it('reports the state machine (IDLE: no models are installed) and what is missing', async () => {
      const status = expectOk(await k.request('GET', '/api/status'), routes.status.response);
      expect(status).toMatchObject({
        state: 'IDLE',
        language: 'en',
        tts_provider: 'system', // kokoro is configured but not installed: the system voice speaks
        tts_configured: 'kokoro',
        is_speaking: false,
        is_processing: false,
        is_running: true,
        active_speaker: null,
        active_soul: 'default',
        homeassistant_connected: false,
        listening: false, // no VAD: nothing is heard, whatever config says
        household_open: false, // an owner is enrolled (beforeAll)
        hands_free_active: false,
        web_audio_clients: 0,
      });
      expect(status.state).toBe(k.kiwi.runtime.engine.machine.state);
      // Uptime counts elapsed seconds since start (performance.now: a wall clock set back does not change it, uptime.test.ts):
      // with the clock held, then moved on by 5 s (nothing slept), it is exactly 5 more.
      vi.useFakeTimers({ toFake: ['Date', 'performance'], now: Date.now() });
      try {
        const before = expectOk(await k.request('GET', '/api/status'), routes.status.response).uptime_seconds;
        vi.advanceTimersByTime(5000);
        const after = expectOk(await k.request('GET', '/api/status'), routes.status.response).uptime_seconds;
        expect(after - before).toBe(5);
      } finally {
        vi.useRealTimers();
      }
      for (const stage of ['vad', 'stt']) {
        expect(status.missing.some((line) => line.startsWith(`${stage}: `)), `missing names ${stage}`).toBe(true);
      }
      // Without a keyword model the wake word is listened for in the transcript: a fallback, not a missing part.
      expect(status.wake_word_engine).toBe('text');
      expect(status.fallbacks).toContainEqual(expect.objectContaining({ stage: 'wake', configured: 'kws', used: 'text' }));
      // Without a TTS model Kiwi still speaks, with the system voice (espeak-ng here).
      expect(status.missing.some((line) => line.startsWith('tts: '))).toBe(false);
    });
  });

  describe('languages', () => {
    it('GET /api/languages lists the 15 codes in the seed order', async () => {
      const body = expectOk(await k.request('GET', '/api/languages'), routes.languages.response);
      expect(body).toEqual({ current: 'en', available: SEED_LANGUAGES });
    });

    it('POST /api/language switches, persists and emits LANGUAGE_CHANGED', async () => {
      const from = events.mark();
      expect(expectOk(await k.request('POST', '/api/language', { body: { language: 'ru' } }), routes.setLanguage.response)).toEqual({ language: 'ru' });
      expect((await events.waitForEvent('LANGUAGE_CHANGED', from)).data).toEqual({ language: 'ru' });
      expect((await k.request('GET', '/api/languages')).json).toMatchObject({ current: 'ru' });
      expect(YAML.parse(await fs.readFile(k.configPath, 'utf8'))).toMatchObject({ language: 'ru' });
      expect((await k.request('POST', '/api/language', { body: { language: 'en' } })).json).toEqual({ language: 'en' });
    });

    it('refuses an unknown language code with 400', async () => {
      expectError(await k.request('POST', '/api/language', { body: { language: 'xx' } }), 400, 'invalid_request');
      expectError(await k.request('POST', '/api/language', { body: {} }), 400, 'invalid_request');
    });
  });

  describe('speakers', () => {
    it('GET /api/speakers lists profiles in the seed shape', async () => {
      const body = expectOk(await k.request('GET', '/api/speakers'), routes.listSpeakers.response);
      expect(owner).toMatch(/^spk_\d{3}$/);
      expect(body.speakers.map((s) => s.id)).toEqual([owner, friend, guest]);
      expect(body.speakers[0]).toEqual({
        id: owner,
        name: 'Owner',
        priority: 0,
        is_blocked: false,
        auto_learned: false,
        sample_count: 42,
        last_seen: null,
      });
      expect(Object.keys(body.speakers[2]!).sort()).toEqual(['auto_learned', 'id', 'is_blocked', 'last_seen', 'name', 'priority', 'sample_count']);
    });

    it('blocks and unblocks a speaker, with events', async () => {
      let from = events.mark();
      expect(expectOk(await k.request('POST', `/api/speakers/${friend}/block`), routes.blockSpeaker.response)).toEqual({ blocked: friend });
      expect((await events.waitForEvent('SPEAKER_BLOCKED', from)).data).toMatchObject({ speaker_id: friend });
      expect(k.kiwi.runtime.store.speakers.get(friend)?.is_blocked).toBe(true);
      from = events.mark();
      expect(expectOk(await k.request('POST', `/api/speakers/${friend}/unblock`), routes.unblockSpeaker.response)).toEqual({ unblocked: friend });
      expect((await events.waitForEvent('SPEAKER_UNBLOCKED', from)).data).toMatchObject({ speaker_id: friend });
      expect(k.kiwi.runtime.store.speakers.get(friend)?.is_blocked).toBe(false);
    });

    it('PATCH renames a speaker, changes priority between friend and guest, and hands the owner role over', async () => {
      const renamed = expectOk(await k.request('PATCH', `/api/speakers/${guest}`, { body: { name: 'Sam', priority: 1 } }), routes.patchSpeaker.response);
      expect(renamed).toMatchObject({ id: guest, name: 'Sam', priority: 1 });
      expectError(await k.request('PATCH', `/api/speakers/${guest}`, { body: { priority: 99 } }), 400, 'invalid_request');
      // Priority 0 hands the owner role over (the owner until now becomes a friend), and back.
      expect(expectOk(await k.request('PATCH', `/api/speakers/${guest}`, { body: { priority: 0 } }), routes.patchSpeaker.response).priority).toBe(0);
      expect(k.kiwi.runtime.store.speakers.get(owner)?.priority).toBe(1);
      expectOk(await k.request('PATCH', `/api/speakers/${owner}`, { body: { priority: 0 } }), routes.patchSpeaker.response);
      expect([k.kiwi.runtime.store.speakers.get(owner)?.priority, k.kiwi.runtime.store.speakers.get(guest)?.priority]).toEqual([0, 1]);
      expectError(await k.request('PATCH', `/api/speakers/${guest}`, { body: {} }), 400, 'invalid_request');
      expectError(await k.request('PATCH', `/api/speakers/${guest}`, { body: { name: 'x', extra: 1 } }), 400, 'invalid_request');
      expectError(await k.request('PATCH', `/api/speakers/${owner}`, { body: { priority: 2 } }), 409, 'conflict');
    });

    it('the owner (priority 0) can be neither blocked nor deleted: 409', async () => {
      expectError(await k.request('POST', `/api/speakers/${owner}/block`), 409, 'conflict');
      expectError(await k.request('DELETE', `/api/speakers/${owner}`), 409, 'conflict');
      expect(k.kiwi.runtime.store.speakers.get(owner)).toMatchObject({ is_blocked: false, priority: 0 });
    });

    it('unknown ids give 404, malformed ids 400', async () => {
      for (const [method, suffix] of [['DELETE', ''], ['POST', '/block'], ['POST', '/unblock']] as const) {
        expectError(await k.request(method, `/api/speakers/spk_999${suffix}`), 404, 'not_found');
        expectError(await k.request(method, `/api/speakers/Robert%27%3B${suffix}`), 400, 'invalid_request');
      }
      expectError(await k.request('PATCH', '/api/speakers/spk_999', { body: { name: 'X' } }), 404, 'not_found');
      expectError(await k.request('PATCH', '/api/speakers/not-a-speaker', { body: { name: 'X' } }), 400, 'invalid_request');
    });

    it('DELETE removes a speaker: {"deleted": id}, SPEAKER_DELETED, gone from the list and the store', async () => {
      const from = events.mark();
      expect(expectOk(await k.request('DELETE', `/api/speakers/${friend}`), routes.deleteSpeaker.response)).toEqual({ deleted: friend });
      expect((await events.waitForEvent('SPEAKER_DELETED', from)).data).toMatchObject({ speaker_id: friend });
      const list = expectOk(await k.request('GET', '/api/speakers'), routes.listSpeakers.response);
      expect(list.speakers.map((s) => s.id)).not.toContain(friend);
      expect(k.kiwi.runtime.store.speakers.get(friend)).toBeNull();
      expectError(await k.request('DELETE', `/api/speakers/${friend}`), 404, 'not_found');
    });
  });

  describe('souls', () => {
    it('GET /api/souls lists the built-ins, siren marked nsfw', async () => {
      const body = expectOk(await k.request('GET', '/api/souls'), routes.souls.response);
      const ids = body.souls.map((s) => s.id);
      for (const id of ['default', 'mindful-companion', 'storyteller', 'comedian', 'hype-person', 'siren']) expect(ids).toContain(id);
      expect(ids[0]).toBe('default');
      expect(body.souls.find((s) => s.id === 'siren')).toMatchObject({ name: 'Siren', nsfw: true });
      expect(body.souls.filter((s) => s.nsfw).map((s) => s.id)).toEqual(['siren']);
      expect(body.souls.find((s) => s.id === 'default')).toMatchObject({ name: 'Default', description: 'Balanced assistant', active: true, builtin: true });
      expect(body).toMatchObject({ active: 'default', default: 'default' });
    });

    it('GET /api/soul/current has the seed fields', async () => {
      const body = expectOk(await k.request('GET', '/api/soul/current'), routes.currentSoul.response);
      expect(Object.keys(body).sort()).toEqual(['description', 'id', 'model', 'name', 'nsfw']);
      expect(body).toMatchObject({ id: 'default', name: 'Default', nsfw: false });
    });

    it('POST /api/soul switches and emits SOUL_CHANGED', async () => {
      const from = events.mark();
      const body = expectOk(await k.request('POST', '/api/soul', { body: { soul: 'comedian' } }), routes.setSoul.response);
      expect(body).toEqual({ soul: 'comedian', name: 'Comedian', nsfw: false, model: '' });
      expect((await events.waitForEvent('SOUL_CHANGED', from)).data).toMatchObject({ soul_id: 'comedian', name: 'Comedian', nsfw: false });
      expect((await k.request('GET', '/api/soul/current')).json).toMatchObject({ id: 'comedian' });
      expect((await k.request('GET', '/api/status')).json).toMatchObject({ active_soul: 'comedian' });
    });

    it('unknown soul 404, malformed soul id 400', async () => {
      expectError(await k.request('POST', '/api/soul', { body: { soul: 'no-such-soul' } }), 404, 'not_found');
      expectError(await k.request('POST', '/api/soul', { body: { soul: 'Not A Soul!' } }), 400, 'invalid_request');
      expectError(await k.request('POST', '/api/soul', { body: {} }), 400, 'invalid_request');
    });

    it('siren (18+) is refused with 403 until souls.allow_nsfw is true', async () => {
      await k.request('POST', '/api/soul', { body: { soul: 'comedian' } });
      const from = events.mark();
      const err = expectError(await k.request('POST', '/api/soul', { body: { soul: 'siren' } }), 403, 'nsfw_not_allowed');
      expect(err.message).toContain('allow_nsfw');
      expect((await k.request('GET', '/api/soul/current')).json).toMatchObject({ id: 'comedian' });

      expectOk(await k.request('PATCH', '/api/config', { body: { souls: { allow_nsfw: true } } }), routes.patchConfig.response);
      expect(expectOk(await k.request('POST', '/api/soul', { body: { soul: 'siren' } }), routes.setSoul.response)).toMatchObject({ soul: 'siren', nsfw: true });
      expect((await events.waitForEvent('SOUL_CHANGED', from)).data).toMatchObject({ soul_id: 'siren' });

      // Taking the permission back drops the nsfw soul at once.
      await k.request('PATCH', '/api/config', { body: { souls: { allow_nsfw: false } } });
      expect((await k.request('GET', '/api/soul/current')).json).toMatchObject({ id: 'default', nsfw: false });
    });
    it('an 18+ soul cannot become active through souls.default while allow_nsfw is false', async () => {
      try {
        const res = await k.request('PATCH', '/api/config', { body: { souls: { default: 'siren' } } });
        // Refusing the patch (4xx) or keeping a safe soul active are both fine; an active nsfw soul is not.
        expect(res.status).toBeLessThan(500);
        const current = expectOk(await k.request('GET', '/api/soul/current'), routes.currentSoul.response);
        expect(current.nsfw, `active soul is ${current.id}`).toBe(false);
        expect((await k.request('GET', '/api/status')).json).not.toMatchObject({ active_soul: 'siren' });
      } finally {
        await k.request('PATCH', '/api/config', { body: { souls: { default: 'default' } } });
      }
    });
  });

  describe('config', () => {
    it('GET /api/config has the seed fields and no secrets', async () => {
      const body = expectOk(await k.request('GET', '/api/config'), routes.getConfig.response);
      expect(body).toMatchObject({
        language: 'en',
        tts_provider: 'kokoro',
        tts_qwen_backend: 'local',
        tts_voice: 'af_heart',
        wake_word: 'kiwi',
      });
      expect(typeof body.stt_model).toBe('string');
      expect(typeof body.stt_device).toBe('string');
      expect(typeof body.wake_word_engine).toBe('string');
      expect(body.llm).not.toHaveProperty('api_key');
      expect(body.homeassistant).not.toHaveProperty('token');
      expect(body.api.auth).toEqual({ enabled: false });
    });

    it('PATCH applies the seed example, persists it to the YAML file and emits CONFIG_CHANGED', async () => {
      const from = events.mark();
      const patch = { language: 'ru', wake_word: 'jarvis', tts_default_style: 'cheerful' };
      const body = expectOk(await k.request('PATCH', '/api/config', { body: patch }), routes.patchConfig.response);
      expect(body).toEqual({ updated: patch });
      const changed = await events.waitForEvent('CONFIG_CHANGED', from);
      expect(EventEnvelope.parse(changed)).toMatchObject({ event: 'CONFIG_CHANGED', source: 'config', data: { updated: patch } });
      expect(YAML.parse(await fs.readFile(k.configPath, 'utf8'))).toMatchObject(patch);
      expect((await k.request('GET', '/api/config')).json).toMatchObject(patch);
      await k.request('PATCH', '/api/config', { body: { language: 'en', wake_word: 'kiwi' } });
    });

    it('PATCH refuses unknown keys, wrong types, an empty patch and the api group with 400', async () => {
      const before = await fs.readFile(k.configPath, 'utf8');
      for (const body of [
        { no_such_key: 1 },
        { language: 5 },
        { tts_speed: 'fast' },
        { tts_speed: 9 },
        { llm: { no_such_key: 'x' } },
        { llm: 'openai' },
        { listening: 'yes' },
        {},
        { api: { port: 1234 } },
        { api: { auth: { enabled: false } } },
        [],
        null,
      ]) {
        const err = expectError(await k.request('PATCH', '/api/config', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }), 400);
        expect(err.message.length).toBeGreaterThan(0);
      }
      const err = expectError(await k.request('PATCH', '/api/config', { body: { api: { port: 1 } } }), 400);
      expect(err.message).toContain('api');
      expect(await fs.readFile(k.configPath, 'utf8')).toBe(before);
    });

    it('secrets set by PATCH are masked in the answer and events, absent from GET, but kept in the file (mode 0600)', async () => {
      const llmKey = 'sk-patched-llm-secret-7f3a9c';
      const haToken = 'ha-patched-token-91be44d0';
      const from = events.mark();
      const res = await k.request('PATCH', '/api/config', { body: { llm: { api_key: llmKey }, homeassistant: { token: haToken } } });
      expectOk(res, routes.patchConfig.response);
      expect(res.json).toEqual({ updated: { llm: { api_key: '********' }, homeassistant: { token: '********' } } });
      await events.waitForEvent('CONFIG_CHANGED', from);
      const get = await k.request('GET', '/api/config');
      for (const secret of [llmKey, haToken]) {
        expect(res.text).not.toContain(secret);
        expect(get.text).not.toContain(secret);
        expect(JSON.stringify(events.messages)).not.toContain(secret);
      }
      const file = await fs.readFile(k.configPath, 'utf8');
      expect(YAML.parse(file)).toMatchObject({ llm: { api_key: llmKey }, homeassistant: { token: haToken } });
      expect((await fs.stat(k.configPath)).mode & 0o777).toBe(0o600);
    });
  });

  describe('controls', () => {
    it('POST /api/tts/test speaks the text (the system voice, as no TTS model is installed) with TTS_STARTED and TTS_FINISHED', async () => {
      const from = events.mark();
      const res = expectOk(await k.request('POST', '/api/tts/test', { body: { text: 'Hello, I am Kiwi!' } }), routes.ttsTest.response);
      expect(res).toEqual({ status: 'speaking', text: 'Hello, I am Kiwi!' });
      expect((await events.waitForEvent('TTS_STARTED', from)).data as object).toMatchObject({ text: 'Hello, I am Kiwi!' });
      expect((await events.waitForEvent('TTS_FINISHED', from)).data as object).toMatchObject({ interrupted: false });
      expectError(await k.request('POST', '/api/tts/test', { body: { text: '' } }), 400, 'invalid_request');
    });

    it('POST /api/stop stops what Kiwi is saying', async () => {
      // A speaker that plays until it is stopped: Kiwi is surely still speaking when the stop arrives.
      const removeSink = k.kiwi.runtime.hub.addSink({
        id: 'held-speaker',
        play: (_audio, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })),
      });
      try {
        const from = events.mark();
        await k.request('POST', '/api/tts/test', { body: { text: 'This sentence is still playing when the stop request arrives.' } });
        await events.waitForEvent('TTS_STARTED', from);
        expect(expectOk(await k.request('POST', '/api/stop'), routes.stop.response)).toEqual({ status: 'stopped' });
        expect((await events.waitForEvent('TTS_FINISHED', from)).data as object).toMatchObject({ interrupted: true });
      } finally {
        removeSink();
      }
    });

    it('POST /api/reset-context answers {"status":"context_reset"} and emits CONTEXT_RESET', async () => {
      let from = events.mark();
      expect(expectOk(await k.request('POST', '/api/reset-context'), routes.resetContext.response)).toEqual({ status: 'context_reset' });
      expect((await events.waitForEvent('CONTEXT_RESET', from)).data).toEqual({ speaker_id: null });
      from = events.mark();
      expect((await k.request('POST', '/api/reset-context', { body: { speaker_id: owner } })).json).toEqual({ status: 'context_reset' });
      expect((await events.waitForEvent('CONTEXT_RESET', from)).data).toEqual({ speaker_id: owner });
      expectError(await k.request('POST', '/api/reset-context', { body: { speaker_id: 'spk_999' } }), 404, 'not_found');
    });

    it('POST /api/restart answers {"status":"restarting"}, rebuilds the engine and keeps serving', async () => {
      const engineBefore = k.kiwi.runtime.engine;
      const speakersBefore = (await k.request('GET', '/api/speakers')).json;
      const from = events.mark();
      expect(expectOk(await k.request('POST', '/api/restart'), routes.restart.response)).toEqual({ status: 'restarting' });
      expect((await events.waitForEvent('SERVICE_RESTART', from)).data).toMatchObject({ reason: 'api' });
      await events.waitForEvent('ENGINE_READY', from);
      expect(k.kiwi.runtime.engine).not.toBe(engineBefore);
      expectOk(await k.request('GET', '/api/status'), routes.status.response);
      // The speakers survived the restart.
      const after = expectOk(await k.request('GET', '/api/speakers'), routes.listSpeakers.response);
      expect(after).toEqual(speakersBefore);
      expect(after.speakers.map((s) => s.id)).toContain(owner);
    });
  });

  describe('auth endpoints without auth (loopback, no tokens)', () => {
    it('/api/auth/scopes says auth is off and the caller may do everything', async () => {
      expect(expectOk(await k.request('GET', '/api/auth/scopes'), routes.authScopes.response)).toEqual({ auth_enabled: false, scopes: ['admin'], name: 'local' });
    });
    it('logout answers {"status":"logged_out"} and clears the cookie', async () => {
      const res = await k.request('POST', '/api/auth/logout');
      expect(expectOk(res, routes.logout.response)).toEqual({ status: 'logged_out' });
      expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
    });
  });

  describe('WebSocket /api/events', () => {
    it('sends CONNECTED first, answers ping with pong, and wraps events in {event,data,timestamp,source}', async () => {
      const client = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
      try {
        const first = await client.waitFor(() => true);
        expect(first).toMatchObject({ event: 'CONNECTED', data: { state: 'IDLE' } });
        EventEnvelope.parse(first);
        let from = client.mark();
        client.send({ type: 'ping' });
        expect(await client.waitFor((m) => m.event === 'pong', { from })).toMatchObject({ event: 'pong' });
        from = client.mark();
        await k.request('POST', '/api/reset-context');
        const envelope = EventEnvelope.parse(await client.waitForEvent('CONTEXT_RESET', from));
        expect(Object.keys(envelope).sort()).toEqual(['data', 'event', 'source', 'timestamp']);
        expect(new Date(envelope.timestamp).toISOString()).toBe(envelope.timestamp);
        expect(envelope.source).toBe('dialogue');
        from = client.mark();
        client.send('not json');
        expect((await client.waitForEvent('ERROR', from)).data).toMatchObject({ code: 'bad_message' });
        expect(client.closed).toBeNull();
      } finally {
        await client.close();
      }
    });
  });

  describe('WebSocket /api/audio', () => {
    const audioClients = async () => routes.status.response.parse((await k.request('GET', '/api/status')).json).web_audio_clients;
    it('hello → hello_ack; an odd byte count → bad_frame and the connection stays open; a bad rate → error', async () => {
      const client = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
      try {
        client.send({ type: 'hello', sample_rate: 48000 });
        expect(await client.waitFor((m) => m.type === 'hello_ack')).toMatchObject({ type: 'hello_ack', sample_rate: 48000, engine_sample_rate: 16000 });
        let from = client.mark();
        client.send(Buffer.alloc(321));
        expect(await client.waitFor((m) => m.type === 'error', { from })).toMatchObject({ type: 'error', code: 'bad_frame' });
        client.send(Buffer.alloc(640)); // a good 20 ms frame is accepted silently
        from = client.mark();
        client.send(Buffer.alloc(48000 * 2 * 0.25 + 2)); // just over 250 ms at 48 kHz
        expect(await client.waitFor((m) => m.type === 'error', { from })).toMatchObject({ type: 'error', code: 'frame_too_large' });
        from = client.mark();
        client.send({ type: 'hello', sample_rate: 12345 });
        expect(await client.waitFor((m) => m.type === 'error', { from })).toMatchObject({ type: 'error', code: 'bad_message' });
        from = client.mark();
        client.send({ type: 'hello', sample_rate: 16000 });
        expect(await client.waitFor((m) => m.type === 'hello_ack', { from })).toMatchObject({ sample_rate: 16000 });
        expect(client.closed).toBeNull();
        expect((await k.request('GET', '/api/status')).json).toMatchObject({ web_audio_clients: 1 });
      } finally {
        await client.close();
      }
    });

    it('puts 0.3 s of silence before a stream, which may start on the wake word (as a recording does)', async () => {
      const frames: number[] = [];
      const off = k.kiwi.runtime.hub.onFrame((_source, samples) => frames.push(samples.every((x) => x === 0) ? -samples.length : samples.length));
      const client = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
      try {
        client.send({ type: 'hello', sample_rate: 16000 });
        await client.waitFor((m) => m.type === 'hello_ack');
        const loud = new Int16Array(320).fill(1000);
        for (let i = 0; i < 3; i += 1) client.send(Buffer.from(loud.buffer));
        await eventually(async () => frames.length === 4, 'the lead-in and three frames');
        expect(frames).toEqual([-4800, 320, 320, 320]); // silence (negative: all zeros), then the stream as sent
      } finally {
        off();
        await client.close();
      }
    });

    it('refuses a 4th client beyond api.max_audio_clients (3) with HTTP 429 before the upgrade', async () => {
      await eventually(async () => (await audioClients()) === 0, 'audio clients to leave');
      const clients = await Promise.all([1, 2, 3].map(() => TestWsClient.connect(wsUrl(k.url, '/api/audio'))));
      try {
        const refused = await expectUpgradeRefused(wsUrl(k.url, '/api/audio'));
        expect(refused.status).toBe(429);
        expect(api.ErrorBody.parse(refused.body).error.code).toBe('too_many_clients');
        await clients[0]!.close();
        await eventually(async () => (await audioClients()) === 2, 'a slot to free up');
        const again = await TestWsClient.connect(wsUrl(k.url, '/api/audio'));
        clients.push(again);
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('simultaneous connection attempts never exceed the limit', async () => {
      await eventually(async () => (await audioClients()) === 0, 'audio clients to leave');
      const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => TestWsClient.connect(wsUrl(k.url, '/api/audio'))));
      const opened = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      try {
        expect(opened).toHaveLength(3);
        for (const a of attempts) if (a.status === 'rejected') expect(String(a.reason)).toContain('429');
      } finally {
        await Promise.all(opened.map((c) => c.close()));
      }
    });
  });
});

describe('POST /api/shutdown in-process', () => {
  it('a chat still waiting on the LLM is answered, not cut off, when Kiwi shuts down', async () => {
    const llm = await LlmStandin.start('openai'); // an OpenAI-compatible server that writes one word, then hangs
    llm.reply({ kind: 'stream', tokens: ['Once ', 'upon ', 'a time.'], perEvent: true, rest: new Promise(() => undefined) });
    const k = await startTestKiwi({ config: { llm: { provider: 'openai', base_url: llm.baseUrl, model: 'm' } } });
    try {
      const chat = k.request('POST', '/api/chat', { body: { text: 'Tell me a long story', speak: false } });
      await eventually(() => llm.requests.length === 1, 'the LLM to be asked');
      expect((await k.request('POST', '/api/shutdown')).status).toBe(200);
      expect((await chat).status).toBe(200);
      await k.kiwi.stopped;
    } finally {
      await k.cleanup();
      await llm.close();
    }
  });

  it('answers, tells event clients SERVICE_SHUTDOWN, closes their sockets and stops the server', async () => {
    const k = await startTestKiwi();
    try {
      const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
      const speaker = k.kiwi.runtime.store.speakers.create({ name: 'Owner', priority: 0 });
      const res = await k.request('POST', '/api/shutdown');
      expect(expectOk(res, routes.shutdown.response)).toEqual({ status: 'shutting_down' });
      expect((await events.waitForEvent('SERVICE_SHUTDOWN')).data).toMatchObject({ reason: 'api' });
      await k.kiwi.stopped;
      await eventually(() => events.closed !== null, 'the event socket to close');
      expect(events.closed?.code).toBe(1001);
      await expect(httpRequest(k.port, 'GET', '/api/status')).rejects.toThrow();
      // The store was closed cleanly and kept the speaker.
      const store = openSqliteStore(path.join(k.dataDir, 'kiwi.db'));
      try {
        expect(store.speakers.get(speaker.id)?.name).toBe('Owner');
      } finally {
        store.close();
      }
    } finally {
      await k.cleanup();
    }
  });
});

describe('POST /api/restart several times at once', () => {
  it('leaves exactly one live engine: every superseded engine is disposed', async () => {
    const k = await startTestKiwi();
    const started = vi.spyOn(Engine.prototype, 'start');
    const disposed = vi.spyOn(Engine.prototype, 'dispose');
    try {
      const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
      const answers = await Promise.all([1, 2, 3].map(() => k.request('POST', '/api/restart')));
      for (const res of answers) expect(res.json).toEqual({ status: 'restarting' });
      await eventually(() => events.json.filter((m) => (m as { event?: string }).event === 'ENGINE_READY').length >= 3, 'three ENGINE_READY events');
      await events.close();
      const startedEngines = new Set(started.mock.contexts);
      const disposedEngines = new Set(disposed.mock.contexts);
      const live = [...startedEngines].filter((engine) => !disposedEngines.has(engine));
      expect(live.length, 'engines started and never disposed').toBe(1);
      expect(live[0] === k.kiwi.runtime.engine, 'the live engine is the runtime engine').toBe(true);
    } finally {
      started.mockRestore();
      disposed.mockRestore();
      await k.cleanup();
    }
  });
});

describe('secrets from the environment', () => {
  const haToken = 'ha-env-token-0c1d2e3f4a5b';
  const llmKey = 'sk-env-llm-key-6a7b8c9d';
  let k: TestKiwi;
  beforeAll(async () => {
    k = await startTestKiwi({ env: { KIWI_HA_TOKEN: haToken, KIWI_LLM_API_KEY: llmKey, KIWI_WAKE_WORD: 'computer' } });
  });
  afterAll(async () => k?.cleanup());

  it('never appear in GET /api/config, nor in the config file', async () => {
    const get = await k.request('GET', '/api/config');
    expectOk(get, routes.getConfig.response);
    expect(get.text).not.toContain(haToken);
    expect(get.text).not.toContain(llmKey);
    expect(get.json).toMatchObject({ wake_word: 'computer' });
    const file = await fs.readFile(k.configPath, 'utf8');
    expect(file).not.toContain(haToken);
    expect(file).not.toContain(llmKey);
  });

  it('keys set by KIWI_* variables cannot be patched: 409 naming the variable', async () => {
    const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    try {
      let err = expectError(await k.request('PATCH', '/api/config', { body: { wake_word: 'jarvis' } }), 409, 'conflict');
      expect(err.message).toContain('KIWI_WAKE_WORD');
      err = expectError(await k.request('PATCH', '/api/config', { body: { homeassistant: { token: 'ha-other-token-123456' } } }), 409, 'conflict');
      expect(err.message).toContain('KIWI_HA_TOKEN');
      expect(err.message).not.toContain(haToken);
      expectError(await k.request('PATCH', '/api/config', { body: { llm: { api_key: 'x' } } }), 409, 'conflict');
      const res = await k.request('PATCH', '/api/config', { body: { tts_voice: 'af_sky' } });
      expectOk(res, routes.patchConfig.response);
      await events.waitForEvent('CONFIG_CHANGED');
      expect(JSON.stringify(events.messages)).not.toContain(haToken);
      expect(JSON.stringify(events.messages)).not.toContain(llmKey);
      expect(events.json.filter((m) => (m as { event?: string }).event === 'CONFIG_CHANGED')).toHaveLength(1);
    } finally {
      await events.close();
    }
  });
});

describe('Home Assistant (against a stand-in for Home Assistant, not the real thing)', () => {
  const token = 'ha-long-lived-token-abcdef0123';
  let ha: FakeHomeAssistant;
  let k: TestKiwi;
  beforeAll(async () => {
    ha = new FakeHomeAssistant(token);
    await ha.start();
    k = await startTestKiwi();
  });
  afterAll(async () => {
    await k?.cleanup();
    await ha?.stop();
  });

  const haStatus = async () => routes.haStatus.response.parse((await k.request('GET', '/api/homeassistant/status')).json);

  it('is disabled by default: status says so and a command is 503', async () => {
    expect(await haStatus()).toEqual({ enabled: false, connected: false, last_error: null });
    expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: 'turn on bedroom lights' } }), 503, 'ha_disabled');
  });

  it('connects once configured, sending the token as Authorization: Bearer', async () => {
    expectOk(await k.request('PATCH', '/api/config', { body: { homeassistant: { enabled: true, url: ha.url, token } } }), routes.patchConfig.response);
    await eventually(async () => (await haStatus()).connected, 'Home Assistant to connect');
    expect(await haStatus()).toEqual({ enabled: true, connected: true, last_error: null });
    expect((await k.request('GET', '/api/status')).json).toMatchObject({ homeassistant_connected: true });
    const check = ha.requests.find((r) => r.method === 'GET' && r.path === '/api/');
    expect(check?.authorization).toBe(`Bearer ${token}`);
  });

  it('forwards commands through the Conversation API and keeps the conversation_id', async () => {
    ha.requests.length = 0;
    const first = expectOk(
      await k.request('POST', '/api/homeassistant/command', { body: { text: 'turn on bedroom lights', language: 'en' } }),
      routes.haCommand.response,
    );
    expect(first).toEqual({ response: 'Done, bedroom lights are on.', command: 'turn on bedroom lights' });
    const second = await k.request('POST', '/api/homeassistant/command', { body: { text: 'and the kitchen too', language: 'de' } });
    expectOk(second, routes.haCommand.response);
    const posts = ha.requests.filter((r) => r.path === '/api/conversation/process');
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ method: 'POST', authorization: `Bearer ${token}`, body: { text: 'turn on bedroom lights', language: 'en' } });
    expect(posts[0]!.body).not.toHaveProperty('conversation_id');
    expect(posts[1]!.body).toEqual({ text: 'and the kitchen too', language: 'de', conversation_id: 'abc' });
  });

  it('a command without a language uses the configured language', async () => {
    ha.requests.length = 0;
    await k.request('POST', '/api/homeassistant/command', { body: { text: 'lights off' } });
    expect(ha.requests.at(-1)?.body).toMatchObject({ text: 'lights off', language: 'en' });
  });

  it('validates the command body', async () => {
    expectError(await k.request('POST', '/api/homeassistant/command', { body: {} }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: '' } }), 400, 'invalid_request');
    expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: 'x', language: 'xx' } }), 400, 'invalid_request');
  });

  it('a wrong token gives 503 and disconnects; the right one reconnects', async () => {
    await k.request('PATCH', '/api/config', { body: { homeassistant: { token: 'wrong-token-wrong-token' } } });
    const err = expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: 'lights on' } }), 503, 'ha_unauthorized');
    expect(err.message).toContain('token');
    expect(err.message).not.toContain('wrong-token-wrong-token');
    expect((await haStatus()).connected).toBe(false);
    await k.request('PATCH', '/api/config', { body: { homeassistant: { token } } });
    await eventually(async () => (await haStatus()).connected, 'reconnect with the right token');
  });

  it('a Home Assistant error (500) gives 502', async () => {
    ha.mode = 'error';
    try {
      expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: 'lights on' } }), 502, 'ha_error');
    } finally {
      ha.mode = 'ok';
    }
  });

  it('when Home Assistant goes down commands answer 503, and Kiwi reconnects on its own when it comes back', async () => {
    await eventually(async () => (await haStatus()).connected, 'connected before the outage');
    await ha.stop();
    expectError(await k.request('POST', '/api/homeassistant/command', { body: { text: 'lights on' } }), 503, 'ha_unreachable');
    const down = await haStatus();
    expect(down.connected).toBe(false);
    expect(down.last_error).toBeTruthy();
    await ha.start(); // same port
    // No command is sent: the connection check alone must notice that Home Assistant is back.
    await eventually(async () => (await haStatus()).connected, 'Home Assistant to be reconnected', 8000, 200);
  }, 15_000);

  it('reconnects with backoff when Home Assistant is down at start and comes up later', async () => {
    const late = new FakeHomeAssistant(token);
    await late.start();
    const port = late.port;
    await late.stop();
    const k2 = await startTestKiwi({ config: { homeassistant: { enabled: true, url: `http://127.0.0.1:${port}`, token } } });
    try {
      await eventually(async () => {
        const s = routes.haStatus.response.parse((await k2.request('GET', '/api/homeassistant/status')).json);
        return !s.connected && s.last_error !== null;
      }, 'the first failed check');
      await late.start();
      await eventually(
        async () => routes.haStatus.response.parse((await k2.request('GET', '/api/homeassistant/status')).json).connected,
        'Home Assistant to be reconnected',
        8000,
        200,
      );
      expect(late.requests.some((r) => r.path === '/api/' && r.authorization === `Bearer ${token}`)).toBe(true);
    } finally {
      await k2.cleanup();
      await late.stop();
    }
  }, 15_000);
});

describe('the real CLI: kiwi serve', () => {
  interface Served {
    url: Promise<string>;
    exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    output: () => string;
    kill: (signal: NodeJS.Signals) => void;
    /** If still running: SIGTERM, then SIGKILL after 5 s. */
    ensureStopped: () => Promise<void>;
  }

  function serve(env: Record<string, string>): Served {
    const child = spawnKiwiServe({ ...process.env, KIWI_LOG_LEVEL: 'info', KIWI_HOST: '127.0.0.1', ...env });
    let out = '';
    const url = new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Kiwi is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('exit', () => reject(new Error(`kiwi serve exited before listening:\n${out}`)));
    });
    url.catch(() => undefined); // observed by the tests that expect it
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let exited = false;
    void exit.then(() => (exited = true));
    const ensureStopped = async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    };
    return { url, exit, output: () => out, kill: (signal) => child.kill(signal), ensureStopped };
  }

  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
  });
  const tempData = async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    return dir;
  };

  const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms).unref())]);

  it('POST /api/shutdown answers {"status":"shutting_down"} and the process exits 0', async () => {
    const served = serve({ KIWI_PORT: '0', KIWI_DATA_DIR: await tempData() });
    try {
      const url = await withTimeout(served.url, 15_000, 'kiwi serve to listen');
      const port = Number(new URL(url).port);
      const res = await httpRequest(port, 'POST', '/api/shutdown');
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: 'shutting_down' });
      expect(await withTimeout(served.exit, 10_000, 'exit after shutdown')).toEqual({ code: 0, signal: null });
    } finally {
      await served.ensureStopped();
    }
  }, 30_000);

  it('SIGTERM stops it gracefully with exit code 0', async () => {
    const served = serve({ KIWI_PORT: '0', KIWI_DATA_DIR: await tempData() });
    try {
      await withTimeout(served.url, 15_000, 'kiwi serve to listen');
      served.kill('SIGTERM');
      expect(await withTimeout(served.exit, 10_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await served.ensureStopped();
    }
  }, 30_000);

  it('an invalid KIWI_PORT exits 1 with a message naming it', async () => {
    const served = serve({ KIWI_PORT: 'abc', KIWI_DATA_DIR: await tempData() });
    try {
      const { code } = await withTimeout(served.exit, 15_000, 'exit on a bad KIWI_PORT');
      expect(code).toBe(1);
      expect(served.output()).toContain('KIWI_PORT=abc is not a number');
    } finally {
      await served.ensureStopped();
    }
  }, 30_000);

  it('a port already in use exits 1 with a clear message', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const served = serve({ KIWI_PORT: String(port), KIWI_DATA_DIR: await tempData() });
    try {
      const { code } = await withTimeout(served.exit, 15_000, 'exit on a busy port');
      expect(code).toBe(1);
      expect(served.output()).toMatch(new RegExp(`Port ${port} .*in use`));
    } finally {
      await served.ensureStopped();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  }, 30_000);
});
