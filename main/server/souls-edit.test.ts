import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ErrorBody, SoulDocument, SoulList, Status } from '../contract/api.ts';
import { ConfigView } from '../contract/config.ts';
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

  it('PUT and DELETE of a soul that is not active announce SOUL_ADDED, SOUL_UPDATED and SOUL_DELETED (open dashboards update)', async () => {
    const sailor = { ...pirate, name: 'Sailor' };
    const start = events.mark();
    let from = start;
    expect((await k.request('PUT', '/api/souls/sailor', { headers: bearer(ADMIN), body: sailor })).status).toBe(200);
    expect((await events.waitForEvent('SOUL_ADDED', from)).data).toEqual({ soul_id: 'sailor', name: 'Sailor', nsfw: false, builtin: false });
    from = events.mark();
    expect((await k.request('PUT', '/api/souls/sailor', { headers: bearer(ADMIN), body: { ...sailor, name: 'Old Sailor' } })).status).toBe(200);
    expect((await events.waitForEvent('SOUL_UPDATED', from)).data).toEqual({ soul_id: 'sailor', name: 'Old Sailor', nsfw: false, builtin: false });
    from = events.mark();
    expect((await k.request('DELETE', '/api/souls/sailor', { headers: bearer(ADMIN) })).status).toBe(200);
    expect((await events.waitForEvent('SOUL_DELETED', from)).data).toEqual({ soul_id: 'sailor', name: 'Old Sailor' });
    // The active soul stayed: no SOUL_CHANGED for any of them.
    const seen = events.messages.slice(start).map((m) => (m.kind === 'json' ? (m.value as { event: string }).event : m.kind));
    expect(seen).toEqual(expect.arrayContaining(['SOUL_ADDED', 'SOUL_UPDATED', 'SOUL_DELETED']));
    expect(seen).not.toContain('SOUL_CHANGED');
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
    const from = events.mark();
    expect((await k.request('DELETE', '/api/souls/comedian', { headers: bearer(ADMIN) })).status).toBe(200);
    expect((await events.waitForEvent('SOUL_UPDATED', from)).data).toMatchObject({ soul_id: 'comedian', builtin: true });
    const back = SoulDocument.parse((await k.request('GET', '/api/souls/comedian', { headers: bearer(CONTROL) })).json);
    expect(back).toMatchObject({ builtin: true });
    expect(back.name).not.toBe('My Comedian');
  });
});

describe('souls API: the default soul (souls.default) and concurrent edits', () => {
  let k: TestKiwi;
  const con = { name: 'Con', prompt: 'x' };
  const soulsList = async () => SoulList.parse((await k.request('GET', '/api/souls')).json);
  const soulFallbacks = async () => Status.parse((await k.request('GET', '/api/status')).json).fallbacks.filter((f) => f.stage === 'soul');

  beforeAll(async () => {
    k = await startTestKiwi();
  });
  afterAll(async () => {
    await k?.cleanup();
  });

  it('DELETE of the soul souls.default names is a 409 and deletes nothing; once another default is chosen it goes', async () => {
    expect((await k.request('PUT', '/api/souls/con', { body: con })).status).toBe(200);
    expect((await k.request('PATCH', '/api/config', { body: { souls: { default: 'con' } } })).status).toBe(200);

    const refused = await k.request('DELETE', '/api/souls/con');
    expect(errorCode(refused, 409)).toBe('soul_is_default');
    expect(ErrorBody.parse(refused.json).error.message).toMatch(/'con' is the default soul \(souls\.default\); choose another default first/);
    await fs.access(path.join(k.dataDir, 'souls', 'con.md'));
    expect(await soulsList()).toMatchObject({ default: 'con', active: 'con' });
    expect(await soulFallbacks()).toEqual([]);

    expect((await k.request('PATCH', '/api/config', { body: { souls: { default: 'default' } } })).status).toBe(200);
    expect((await k.request('DELETE', '/api/souls/con')).json).toEqual({ deleted: 'con' });
    expect(await soulsList()).toMatchObject({ default: 'default', active: 'default' });
  });

  it("PUT with a name another soul has is a 409 and writes nothing (the voice picks a soul by its name); a soul keeps its own name", async () => {
    const refused = await k.request('PUT', '/api/souls/twin', { body: { name: '  default ', prompt: 'x' } });
    expect(errorCode(refused, 409)).toBe('soul_name_taken');
    expect(ErrorBody.parse(refused.json).error.message).toBe("the soul 'default' is called 'Default' already; give 'twin' another name");
    await expect(fs.access(path.join(k.dataDir, 'souls', 'twin.md'))).rejects.toThrow(/ENOENT/);
    expect((await k.request('PUT', '/api/souls/con', { body: con })).status).toBe(200);
    expect((await k.request('PUT', '/api/souls/con', { body: { ...con, prompt: 'y' } })).status).toBe(200);
    expect(errorCode(await k.request('PUT', '/api/souls/con2', { body: { ...con, name: 'CON' } }), 409)).toBe('soul_name_taken');
    expect((await k.request('DELETE', '/api/souls/con')).status).toBe(200);
  });

  it('PUT that makes the default soul 18+ while allow_nsfw is off is a 409 and changes nothing', async () => {
    expect((await k.request('PUT', '/api/souls/con', { body: con })).status).toBe(200);
    expect((await k.request('PATCH', '/api/config', { body: { souls: { default: 'con' } } })).status).toBe(200);
    try {
      const refused = await k.request('PUT', '/api/souls/con', { body: { ...con, nsfw: true } });
      expect(errorCode(refused, 409)).toBe('soul_is_default');
      expect(ErrorBody.parse(refused.json).error.message).toContain('souls.allow_nsfw');
      expect(SoulDocument.parse((await k.request('GET', '/api/souls/con')).json).nsfw).toBe(false);
      expect((await soulsList()).default).toBe('con');
    } finally {
      await k.request('PATCH', '/api/config', { body: { souls: { default: 'default' } } });
    }
    expect((await k.request('DELETE', '/api/souls/con')).status).toBe(200);
  });

  it('a deleted active soul stays gone: a new soul with its id later is not active by itself', async () => {
    expect((await k.request('PUT', '/api/souls/con', { body: con })).status).toBe(200);
    expect((await k.request('POST', '/api/soul', { body: { soul: 'con' } })).status).toBe(200);
    expect((await k.request('DELETE', '/api/souls/con')).status).toBe(200);
    expect((await soulsList()).active).toBe('default');
    expect((await k.request('PUT', '/api/souls/con', { body: con })).status).toBe(200);
    expect((await soulsList()).active).toBe('default');
    expect((await k.request('DELETE', '/api/souls/con')).status).toBe(200);
  });

  it('PATCH souls.default to an 18+ soul is a 400 naming the key while allow_nsfw is off, fine in the same PATCH that allows it', async () => {
    const refused = await k.request('PATCH', '/api/config', { body: { souls: { default: 'siren' } } });
    expect(errorCode(refused, 400)).toBe('invalid_request');
    expect(ErrorBody.parse(refused.json).error.message).toMatch(/souls\.default: 'siren' is an 18\+ soul/);
    expect((await soulsList()).default).toBe('default');
    expect(ConfigView.parse((await k.request('GET', '/api/config')).json).souls.default).toBe('default');

    try {
      expect((await k.request('PATCH', '/api/config', { body: { souls: { default: 'siren', allow_nsfw: true } } })).status).toBe(200);
      expect((await soulsList()).default).toBe('siren');
      // Taking the permission back is never refused: the default falls back to the built-in one, and the status says why.
      expect((await k.request('PATCH', '/api/config', { body: { souls: { allow_nsfw: false } } })).status).toBe(200);
      expect((await soulsList()).default).toBe('default');
      expect(await soulFallbacks()).toContainEqual(expect.objectContaining({ stage: 'soul', configured: 'siren', used: 'default', reason: expect.stringContaining('allow_nsfw') }));
    } finally {
      await k.request('PATCH', '/api/config', { body: { souls: { default: 'default', allow_nsfw: false } } });
    }
  });

  it('PUT racing DELETE of the same id: PUT never answers 404, and files, list and GET agree afterwards', async () => {
    // One id, many pairs: on the unserialised code about one run in one gave a PUT 404 (and DELETEs 500).
    const id = 'racer';
    const calls = Array.from({ length: 40 }, (_, i) => [
      k.request('PUT', `/api/souls/${id}`, { body: { name: `Racer ${i}`, prompt: `Round ${i}.` } }).then((res) => ({ kind: 'put' as const, i, res })),
      k.request('DELETE', `/api/souls/${id}`).then((res) => ({ kind: 'delete' as const, i, res })),
    ]).flat();
    for (const { kind, i, res } of await Promise.all(calls)) {
      if (kind === 'put') {
        expect([200, 201], res.text).toContain(res.status);
        expect(SoulDocument.parse(res.json).name).toBe(`Racer ${i}`); // its own write, not another's
      } else {
        expect([200, 404], res.text).toContain(res.status);
      }
    }
    const listed = (await soulsList()).souls.map((s) => s.id);
    const file = await fs.readFile(path.join(k.dataDir, 'souls', `${id}.md`), 'utf8').catch(() => null);
    const got = await k.request('GET', `/api/souls/${id}`);
    if (file === null) {
      expect(got.status).toBe(404);
      expect(listed).not.toContain(id);
    } else {
      expect(got.status).toBe(200);
      expect(listed).toContain(id);
      expect(parseSoul(file, id, false).name).toBe(SoulDocument.parse(got.json).name);
    }
    expect((await fs.readdir(path.join(k.dataDir, 'souls'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('start-up with souls.default naming a soul that is gone', () => {
  it('starts on the built-in default soul, says so in /api/status, and leaves config.yaml alone', async () => {
    const k = await startTestKiwi({ config: { souls: { default: 'con' } } });
    try {
      const before = await fs.readFile(k.configPath, 'utf8');
      expect(SoulList.parse((await k.request('GET', '/api/souls')).json)).toMatchObject({ default: 'default', active: 'default' });
      const status = Status.parse((await k.request('GET', '/api/status')).json);
      expect(status.active_soul).toBe('default');
      expect(status.fallbacks).toContainEqual({ stage: 'soul', configured: 'con', used: 'default', reason: expect.stringMatching(/souls\.default.*'con'/) });
      expect(ConfigView.parse((await k.request('GET', '/api/config')).json).souls.default).toBe('con');
      // Other changes still work; the file keeps the user's souls.default.
      expect((await k.request('PATCH', '/api/config', { body: { voice: { follow_up_s: 5 } } })).status).toBe(200);
      expect(YAML.parse(await fs.readFile(k.configPath, 'utf8'))).toMatchObject({ souls: { default: 'con' }, voice: { follow_up_s: 5 } });
      expect(YAML.parse(before)).toMatchObject({ souls: { default: 'con' } });

      // The soul comes back: it is the default again and the fallback is gone.
      expect((await k.request('PUT', '/api/souls/con', { body: { name: 'Con', prompt: 'x' } })).status).toBe(200);
      expect(SoulList.parse((await k.request('GET', '/api/souls')).json).default).toBe('con');
      expect(Status.parse((await k.request('GET', '/api/status')).json).fallbacks.filter((f) => f.stage === 'soul')).toEqual([]);
    } finally {
      await k.cleanup();
    }
  });
});
