import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadLocaleFile, loadLocaleFileAsync, LocaleCache, localeFilePath, localesDir } from './locale-file.ts';
import { compileLists, slotProblem } from './phrase-lists.ts';
import { fillReply, placeholders } from './replies.ts';

const Greeting = z.object({ hello: z.string().min(1) }).strict();

describe('locale files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-locale-file-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (language: string, content: string) => {
    fs.mkdirSync(path.join(dir, language), { recursive: true });
    fs.writeFileSync(path.join(dir, language, 'greeting.json'), content);
  };
  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err as { code: string; message: string; status: number };
    }
    throw new Error('expected a failure');
  };

  it('live in resources/locales/<lang>/<concept>.json', () => {
    expect(localeFilePath('wake', 'de')).toBe(path.join(localesDir, 'de', 'wake.json'));
    expect(loadLocaleFile('llm', 'en', z.object({ timeout: z.string() }))).toHaveProperty('timeout');
  });

  it('reads and validates, and a broken file is an invalid_locale error naming the file and the problem', async () => {
    write('en', JSON.stringify({ hello: 'Hello' }));
    expect(loadLocaleFile('greeting', 'en', Greeting, { dir })).toEqual({ hello: 'Hello' });
    expect(await loadLocaleFileAsync('greeting', 'en', Greeting, { dir })).toEqual({ hello: 'Hello' });

    const file = path.join(dir, 'en', 'greeting.json');
    write('en', '{ not json');
    expect(failure(() => loadLocaleFile('greeting', 'en', Greeting, { dir }))).toMatchObject({ code: 'invalid_locale', status: 500, message: expect.stringContaining(`${file}: `) });
    write('en', JSON.stringify({ hello: '', bye: 'x' }));
    const invalid = failure(() => loadLocaleFile('greeting', 'en', Greeting, { dir }));
    expect(invalid.message).toMatch(/greeting\.json: .*hello/);
    expect(invalid.message).toMatch(/bye/);
    await expect(loadLocaleFileAsync('greeting', 'en', Greeting, { dir })).rejects.toMatchObject({ code: 'invalid_locale' });
    expect(failure(() => loadLocaleFile('greeting', 'fr', Greeting, { dir })).message).toContain(path.join(dir, 'fr', 'greeting.json'));
  });

  it('takes other error codes for an unreadable and an invalid file', async () => {
    const codes = { unreadable: 'locale_missing', invalid: 'locale_invalid' };
    await expect(loadLocaleFileAsync('greeting', 'ko', Greeting, { dir, codes })).rejects.toMatchObject({ code: 'locale_missing' });
    write('ko', '[]');
    await expect(loadLocaleFileAsync('greeting', 'ko', Greeting, { dir, codes })).rejects.toMatchObject({ code: 'locale_invalid' });
    expect(failure(() => loadLocaleFile('greeting', 'ko', Greeting, { dir, codes })).code).toBe('locale_invalid');
  });
});

describe('LocaleCache', () => {
  it('loads a language once per folder, and gives English for codes Kiwi does not speak', () => {
    const loads: string[] = [];
    const cache = new LocaleCache((language, dir) => {
      loads.push(`${dir}:${language}`);
      return { language };
    });
    expect(cache.get('de', '/a')).toBe(cache.get('de', '/a'));
    expect(cache.get('xx', '/a')).toEqual({ language: 'en' });
    expect(cache.get('de', '/b')).toEqual({ language: 'de' });
    expect(cache.get('ru')).toEqual({ language: 'ru' });
    expect(loads).toEqual(['/a:de', '/a:en', '/b:de', `${localesDir}:ru`]);
  });

  it('keeps no failure: a load that threw or a promise that rejected is tried again', async () => {
    let attempts = 0;
    const broken = new LocaleCache(() => {
      attempts += 1;
      throw new Error('broken');
    });
    expect(() => broken.get('en')).toThrow('broken');
    expect(() => broken.get('en')).toThrow('broken');
    expect(attempts).toBe(2);

    let calls = 0;
    const flaky = new LocaleCache(async () => {
      calls += 1;
      if (calls === 1) throw new Error('not yet');
      return calls;
    });
    await expect(flaky.get('en')).rejects.toThrow('not yet');
    expect(await flaky.get('en')).toBe(2);
    expect(await flaky.get('en')).toBe(2);
  });
});

describe('phrase lists and replies', () => {
  it('say what is wrong with a phrase\'s slots', () => {
    const rules = { required: ['name'], optional: ['n'] };
    expect(slotProblem(['name', 'n'], rules)).toBeNull();
    expect(slotProblem(['n'], rules)).toBe('needs {name}');
    expect(slotProblem(['name', 'x', 'y'], rules)).toBe('may not use {x}, {y}');
  });

  it('compile every list in key order, and an entry that does not compile names file, list and entry', () => {
    const lists = { b: ['2'], a: ['1', '3'] };
    expect(compileLists('f.json', 'phrases', lists, ['a', 'b'] as const, (source, key) => `${key}${source}`)).toEqual({ a: ['a1', 'a3'], b: ['b2'] });
    const bad = () =>
      compileLists('f.json', 'rules', lists, ['a', 'b'] as const, (source) => {
        if (source === '3') throw new Error('no threes');
        return source;
      });
    expect(bad).toThrow("f.json: rules.a '3': no threes");
  });

  it('fill placeholders, and refuse a reply with a missing value', () => {
    expect(placeholders('{b} and {a} and {b}')).toEqual(['a', 'b']);
    expect(fillReply('{n} of {what}', { n: 2, what: 'timers' }, 'x')).toBe('2 of timers');
    expect(() => fillReply('Hi {name}', {}, "Reply 'hi' (en)")).toThrow("Reply 'hi' (en) needs a value for {name}");
  });
});
