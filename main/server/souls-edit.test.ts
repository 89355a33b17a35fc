import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, SoulDocument, SoulList } from '../contract/api.ts';
import { parseSoul } from '../souls/soul-file.ts';
import { soulMarkdown } from '../souls/soul-markdown.ts';
import { authOn, bearer } from '../testing/api-auth.ts';
import { startTestKiwi, type TestKiwi, type TestResponse } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';

/** GET/PUT/DELETE /api/souls/{soul_id} against a real Kiwi with its own data folder. */
const ADMIN = 'souls-admin-token-0123456789';
const CONTROL = 'souls-control-token-0123456789';

const pirate = {
  name: 'Pirate',
  description: 'Talks like a pirate: "arr" included',
  model: '',
  nsfw: false,
  style: 'playful',
  prompt: 'Answer like a friendly pirate.\n\n---\n\nKeep it short: one sentence.',
};

function errorCode(res: TestResponse, status: number): string {
  expect(res.status, res.text).toBe(status);
  return ErrorBody.parse(res.json).error.code;
}

describe('souls API: user souls as markdown files', () => {
  let k: TestKiwi;
  let events: TestWsClient;
  const soulsDir = () => path.join(k.dataDir, 'souls');

  beforeAll(async () => {
    k = await startTestKiwi({
      config: {
        api: authOn([
          { name: 'admin', token: ADMIN, scopes: ['admin'] },
          { name: 'control', token: CONTROL, scopes: ['control'] },
        ]),
      },
    });
    events = await TestWsClient.connect(wsUrl(k.url, '/api/events'), bearer(ADMIN));
  });
  afterAll(async () => {
    await events?.close();
    await k?.cleanup();
  });

  it('GET returns a built-in with its prompt, 404 for an unknown id, 400 for a bad id', async () => {
    const res = await k.request('GET', '/api/souls/comedian', { headers: bearer(CONTROL) });
    expect(res.status, res.text).toBe(200);
    const soul = SoulDocument.parse(res.json);
    expect(soul).toMatchObject({ id: 'comedian', builtin: true });
    expect(soul.prompt.length).toBeGreaterThan(20);
    expect(errorCode(await k.request('GET', '/api/souls/nobody', { headers: bearer(CONTROL) }), 404)).toBe('not_found');
    expect(errorCode(await k.request('GET', '/api/souls/..%2F_base', { headers: bearer(CONTROL) }), 400)).toBe('invalid_request');
  });

  it('PUT creates a user soul file that the registry lists, and needs the admin scope', async () => {
    expect(errorCode(await k.request('PUT', '/api/souls/pirate', { headers: bearer(CONTROL), body: pirate }), 403)).toBe('insufficient_scope');
    const res = await k.request('PUT', '/api/souls/pirate', { headers: bearer(ADMIN), body: pirate });
    expect(res.status, res.text).toBe(200);
    expect(SoulDocument.parse(res.json)).toEqual({ id: 'pirate', ...pirate, builtin: false });

    const text = await fs.readFile(path.join(soulsDir(), 'pirate.md'), 'utf8');
    expect(text).toBe(soulMarkdown('pirate', pirate));
    expect(parseSoul(text, 'pirate', false)).toMatchObject({ name: 'Pirate', description: pirate.description, style: 'playful', prompt: pirate.prompt });
    expect(await fs.readdir(soulsDir())).toEqual(['pirate.md']); // no temp file left behind

    const list = SoulList.parse((await k.request('GET', '/api/souls', { headers: bearer(CONTROL) })).json);
    expect(list.souls.find((s) => s.id === 'pirate')).toMatchObject({ name: 'Pirate', builtin: false, active: false });
  });

  it('PUT replaces a user soul; editing the active soul announces SOUL_CHANGED', async () => {
    expect((await k.request('POST', '/api/soul', { headers: bearer(CONTROL), body: { soul: 'pirate' } })).status).toBe(200);
    const from = events.mark();
    const res = await k.request('PUT', '/api/souls/pirate', { headers: bearer(ADMIN), body: { ...pirate, name: 'Captain', model: 'gpt-pirate' } });
    expect(res.status, res.text).toBe(200);
    const changed = await events.waitForEvent('SOUL_CHANGED', from);
    expect(changed.data).toMatchObject({ soul_id: 'pirate', name: 'Captain', model: 'gpt-pirate' });
    const current = (await k.request('GET', '/api/soul/current', { headers: bearer(CONTROL) })).json;
    expect(current).toMatchObject({ id: 'pirate', name: 'Captain', model: 'gpt-pirate' });
  });

  it('refuses to change or delete a built-in (409) and leaves its file alone', async () => {
    expect(errorCode(await k.request('PUT', '/api/souls/default', { headers: bearer(ADMIN), body: pirate }), 409)).toBe('soul_read_only');
    expect(errorCode(await k.request('DELETE', '/api/souls/comedian', { headers: bearer(ADMIN) }), 409)).toBe('soul_read_only');
    expect(SoulDocument.parse((await k.request('GET', '/api/souls/default', { headers: bearer(CONTROL) })).json)).toMatchObject({ name: 'Default', builtin: true });
    await expect(fs.access(path.join(soulsDir(), 'default.md'))).rejects.toThrow();
  });

  it('validates the body: unknown keys, empty prompt, multi-line names, over-long fields', async () => {
    const bad = [
      { ...pirate, extra: 1 },
      { ...pirate, prompt: '   ' },
      { ...pirate, name: 'two\nlines' },
      { ...pirate, description: 'x\n---\nid: evil' },
      { ...pirate, name: 'n'.repeat(65) },
      { ...pirate, nsfw: 'yes' },
      { description: 'no name', prompt: 'hi' },
    ];
    for (const body of bad) {
      expect(errorCode(await k.request('PUT', '/api/souls/bad-one', { headers: bearer(ADMIN), body }), 400), JSON.stringify(body)).toBe('invalid_request');
    }
    await expect(fs.access(path.join(soulsDir(), 'bad-one.md'))).rejects.toThrow();
  });

  it('DELETE removes a user soul; the active one falls back to the default with SOUL_CHANGED', async () => {
    const from = events.mark();
    const res = await k.request('DELETE', '/api/souls/pirate', { headers: bearer(ADMIN) });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ deleted: 'pirate' });
    expect((await events.waitForEvent('SOUL_CHANGED', from)).data).toMatchObject({ soul_id: 'default' });
    await expect(fs.access(path.join(soulsDir(), 'pirate.md'))).rejects.toThrow();
    expect(errorCode(await k.request('GET', '/api/souls/pirate', { headers: bearer(CONTROL) }), 404)).toBe('not_found');
    expect(errorCode(await k.request('DELETE', '/api/souls/pirate', { headers: bearer(ADMIN) }), 404)).toBe('not_found');
  });

  it('DELETE of a user file that replaced a built-in brings the built-in back', async () => {
    // Placed by hand (the API refuses to write a built-in's id): the registry lets it replace the built-in.
    await fs.writeFile(path.join(soulsDir(), 'comedian.md'), soulMarkdown('comedian', { ...pirate, name: 'My Comedian' }));
    expect((await k.request('POST', '/api/restart', { headers: bearer(ADMIN) })).status).toBe(200);
    await expect
      .poll(async () => SoulDocument.parse((await k.request('GET', '/api/souls/comedian', { headers: bearer(CONTROL) })).json).name, { timeout: 10_000 })
      .toBe('My Comedian');
    expect((await k.request('DELETE', '/api/souls/comedian', { headers: bearer(ADMIN) })).status).toBe(200);
    const back = SoulDocument.parse((await k.request('GET', '/api/souls/comedian', { headers: bearer(CONTROL) })).json);
    expect(back).toMatchObject({ builtin: true });
    expect(back.name).not.toBe('My Comedian');
  });
});
