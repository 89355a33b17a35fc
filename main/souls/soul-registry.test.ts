import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourcesDir } from '../platform/paths.ts';
import { makeTempDir, startTestKiwi } from '../testing/kiwi-test-server.ts';
import { parseSoul } from './soul-file.ts';
import { SoulRegistry } from './soul-registry.ts';

const builtinDir = path.join(resourcesDir, 'souls');
const BUILT_IN = ['default', 'mindful-companion', 'storyteller', 'comedian', 'hype-person', 'siren'];

const soulFile = (front: Record<string, string | boolean>, body = 'Speak like a pirate, briefly.') =>
  `---\n${Object.entries(front).map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`).join('\n')}\n---\n\n${body}\n`;

describe('SoulRegistry', () => {
  let userDir: string;
  beforeEach(async () => {
    userDir = await makeTempDir('kiwi-souls-');
  });
  afterEach(async () => {
    await fs.rm(userDir, { recursive: true, force: true });
  });

  it('every built-in soul parses, with no problems; siren is the only nsfw one', async () => {
    const registry = await SoulRegistry.load(builtinDir, path.join(userDir, 'missing'));
    expect(registry.problems).toEqual([]);
    expect(registry.list().map((s) => s.id).sort()).toEqual([...BUILT_IN].sort());
    expect(registry.list()[0]!.id).toBe('default');
    for (const soul of registry.list()) {
      expect(soul.builtin).toBe(true);
      expect(soul.name.length).toBeGreaterThan(0);
      expect(soul.prompt.length).toBeGreaterThan(20);
      expect(soul.prompt).not.toContain('---\n');
    }
    expect(registry.list().filter((s) => s.nsfw).map((s) => s.id)).toEqual(['siren']);
    expect(registry.basePrompt).toMatch(/^You are Kiwi/);
  });

  it('a user soul appears next to the built-ins', async () => {
    await fs.writeFile(path.join(userDir, 'pirate.md'), soulFile({ id: 'pirate', name: 'Pirate', description: 'Arr', model: 'local-model', voice: 'am_adam' }));
    const registry = await SoulRegistry.load(builtinDir, userDir);
    expect(registry.problems).toEqual([]);
    expect(registry.get('pirate')).toMatchObject({ id: 'pirate', name: 'Pirate', description: 'Arr', model: 'local-model', nsfw: false, voice: 'am_adam', builtin: false, prompt: 'Speak like a pirate, briefly.' });
  });

  it('a user soul with a built-in id overrides the built-in', async () => {
    await fs.writeFile(path.join(userDir, 'comedian.md'), soulFile({ id: 'comedian', name: 'My Comedian', description: 'Dry humour' }, 'Only dad jokes.'));
    const registry = await SoulRegistry.load(builtinDir, userDir);
    expect(registry.get('comedian')).toMatchObject({ name: 'My Comedian', builtin: false, prompt: 'Only dad jokes.' });
    expect(registry.list().filter((s) => s.id === 'comedian')).toHaveLength(1);
  });

  it.each([
    ['no front matter', 'bad.md', 'Just text, no front matter.', 'front matter'],
    ['id not matching the file name', 'bad.md', soulFile({ id: 'other', name: 'X' }), 'does not match'],
    ['an invalid id', 'Bad.md', soulFile({ id: 'Bad', name: 'X' }), 'id'],
    ['a missing name', 'bad.md', soulFile({ id: 'bad' }), 'name'],
    ['an unknown front matter key', 'bad.md', soulFile({ id: 'bad', name: 'X', temperature: 'hot' }), 'temperature'],
    ['nsfw not a boolean', 'bad.md', soulFile({ id: 'bad', name: 'X', nsfw: 'yes' }), 'nsfw'],
    ['an empty prompt', 'bad.md', soulFile({ id: 'bad', name: 'X' }, ''), 'empty'],
    ['broken YAML', 'bad.md', '---\nid: [bad\n---\nText', ''],
  ])('a broken user soul (%s) is reported and skipped', async (_what, name, text, hint) => {
    await fs.writeFile(path.join(userDir, name), text);
    await fs.writeFile(path.join(userDir, 'good.md'), soulFile({ id: 'good', name: 'Good' }));
    const registry = await SoulRegistry.load(builtinDir, userDir);
    expect(registry.problems).toHaveLength(1);
    expect(registry.problems[0]!.file).toBe(path.join(userDir, name));
    expect(registry.problems[0]!.problem).toContain(hint);
    expect(registry.get(path.basename(name, '.md'))).toBeUndefined();
    expect(registry.get('good')).toBeDefined();
    expect(registry.list()).toHaveLength(BUILT_IN.length + 1);
  });

  it('a broken override does not remove the built-in', async () => {
    await fs.writeFile(path.join(userDir, 'storyteller.md'), 'no front matter');
    const registry = await SoulRegistry.load(builtinDir, userDir);
    expect(registry.problems).toHaveLength(1);
    expect(registry.get('storyteller')).toMatchObject({ builtin: true });
  });

  it('ignores files starting with _ and files that are not .md', async () => {
    await fs.writeFile(path.join(userDir, '_notes.md'), 'not a soul');
    await fs.writeFile(path.join(userDir, 'readme.txt'), 'not a soul');
    const registry = await SoulRegistry.load(builtinDir, userDir);
    expect(registry.problems).toEqual([]);
    expect(registry.list()).toHaveLength(BUILT_IN.length);
  });

  it('composePrompt = base prompt + soul overlay + speaker + language', async () => {
    const registry = await SoulRegistry.load(builtinDir, userDir);
    const soul = registry.get('storyteller')!;
    const prompt = registry.composePrompt(soul, { speakerName: 'Alice', language: 'de' });
    expect(prompt.startsWith(registry.basePrompt)).toBe(true);
    expect(prompt).toContain(soul.prompt);
    expect(prompt.indexOf(soul.prompt)).toBeGreaterThan(prompt.indexOf(registry.basePrompt));
    expect(prompt).toContain('Alice');
    expect(prompt).toContain('"de"');
    const anonymous = registry.composePrompt(soul, { speakerName: null, language: 'en' });
    expect(anonymous).toContain('not recognised');
    expect(anonymous).not.toContain('Alice');
  });

  it('parseSoul keeps optional voice and style', () => {
    const soul = parseSoul(soulFile({ id: 'x', name: 'X', style: 'cheerful', voice: 'af_sky' }), 'x', false);
    expect(soul).toMatchObject({ style: 'cheerful', voice: 'af_sky', description: '', model: '', nsfw: false });
  });
});

describe('user souls in a running Kiwi', () => {
  it('a soul added to <data>/souls appears after POST /api/restart; a broken one is skipped', async () => {
    const k = await startTestKiwi();
    try {
      const ids = async () => ((await k.request('GET', '/api/souls')).json as { souls: Array<{ id: string; builtin: boolean }> }).souls;
      expect((await ids()).map((s) => s.id)).not.toContain('pirate');
      await fs.mkdir(path.join(k.dataDir, 'souls'), { recursive: true });
      await fs.writeFile(path.join(k.dataDir, 'souls', 'pirate.md'), soulFile({ id: 'pirate', name: 'Pirate', description: 'Arr' }));
      await fs.writeFile(path.join(k.dataDir, 'souls', 'broken.md'), 'no front matter');
      expect((await k.request('POST', '/api/restart')).json).toEqual({ status: 'restarting' });
      const deadline = Date.now() + 5000;
      while (!(await ids()).some((s) => s.id === 'pirate') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const souls = await ids();
      expect(souls.find((s) => s.id === 'pirate')).toMatchObject({ builtin: false });
      expect(souls.map((s) => s.id)).not.toContain('broken');
      const switched = await k.request('POST', '/api/soul', { body: { soul: 'pirate' } });
      expect(switched.json).toMatchObject({ soul: 'pirate', name: 'Pirate' });
    } finally {
      await k.cleanup();
    }
  });
});
