import { describe, expect, it } from 'vitest';
import { loadCatalog, parseCatalog } from './catalog.ts';
import { MODEL_TASKS } from './catalog-schema.ts';

describe('the shipped catalog', () => {
  it('loads and validates', async () => {
    const catalog = await loadCatalog();
    expect(catalog.models.length).toBeGreaterThan(10);
  });

  it('covers every required task', async () => {
    const tasks = new Set((await loadCatalog()).models.map((m) => m.task));
    for (const task of ['vad', 'wake', 'stt', 'speaker', 'tts']) expect(tasks).toContain(task);
    for (const task of tasks) expect(MODEL_TASKS).toContain(task);
  });

  it('has both an open-vocabulary keyword spotter and openWakeWord models, with their licences', async () => {
    const wake = (await loadCatalog()).models.filter((m) => m.task === 'wake');
    expect(wake.some((m) => m.engine === 'sherpa-kws' && m.commercial_use)).toBe(true);
    const oww = wake.filter((m) => m.engine === 'openwakeword');
    expect(oww.length).toBeGreaterThan(0);
    for (const m of oww) expect(m.commercial_use).toBe(false);
  });

  it('names an https URL for every file, and a sha256 or the reason there is none', async () => {
    for (const model of (await loadCatalog()).models) {
      for (const file of model.files) {
        expect(file.url.startsWith('https://'), `${model.id}: ${file.url}`).toBe(true);
        if (file.sha256 === null) expect(file.sha256_note, `${model.id}: ${file.url}`).toBeTruthy();
        else expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('has verified offline STT for all 15 languages and verified streaming STT for English', async () => {
    const verified = (await loadCatalog()).models.filter((m) => m.files.every((f) => f.sha256 !== null));
    const stt = verified.filter((m) => m.task === 'stt');
    for (const lang of ['en', 'ru', 'es', 'pt', 'fr', 'it', 'de', 'tr', 'pl', 'zh', 'ja', 'ko', 'hi', 'ar', 'id']) {
      expect(stt.some((m) => m.engine === 'sherpa-offline-stt' && m.languages.includes(lang)), lang).toBe(true);
    }
    expect(stt.some((m) => m.engine === 'sherpa-online-stt' && m.languages.includes('en'))).toBe(true);
  });

  it('gives every language with a model a default, and a low-end default for VAD', async () => {
    const catalog = await loadCatalog();
    const vad = catalog.models.filter((m) => m.task === 'vad');
    expect(vad.some((m) => m.default_for.includes('*:low-end'))).toBe(true);
    const stt = catalog.models.filter((m) => m.task === 'stt');
    for (const lang of ['en', 'ru', 'zh', 'tr', 'id']) {
      expect(stt.some((m) => m.default_for.includes(lang)), lang).toBe(true);
    }
  });
});

describe('catalog validation', () => {
  const model = {
    id: 'm',
    name: 'M',
    task: 'vad',
    engine: 'sherpa-vad',
    languages: ['multi'],
    license: 'MIT',
    commercial_use: true,
    size_bytes: 10,
    description: 'd',
    files: [{ url: 'https://example.org/m.onnx', sha256: 'a'.repeat(64), size: 10 }],
  };

  it('accepts a well-formed catalog', () => {
    expect(parseCatalog({ version: 1, models: [model] }).models[0]!.default_for).toEqual([]);
  });

  it('rejects plain http to a remote host, a short hash, an unknown task and a file without sha256 or reason', () => {
    const bad = [
      { ...model, files: [{ ...model.files[0], url: 'http://example.org/m.onnx' }] },
      { ...model, files: [{ ...model.files[0], sha256: 'abc' }] },
      { ...model, task: 'lip-reading' },
      { ...model, files: [{ ...model.files[0], sha256: null }] },
      { ...model, files: [{ ...model.files[0], dest: '../outside' }] },
    ];
    for (const m of bad) expect(() => parseCatalog({ version: 1, models: [m] })).toThrow(/invalid/);
  });

  it('rejects duplicate ids', () => {
    expect(() => parseCatalog({ version: 1, models: [model, model] })).toThrow(/duplicate model id 'm'/);
  });
});
