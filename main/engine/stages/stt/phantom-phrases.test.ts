import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../contract/languages.ts';
import { cleanTranscript } from './hallucination-filter.ts';
import { listsFor, loadPhantomLists, localesDir, SttLocaleSchema } from './phantom-phrases.ts';

describe('resources/locales/<lang>/stt.json', () => {
  it('exists and parses for each of the 15 languages', () => {
    expect(LANGUAGES).toHaveLength(15);
    for (const language of LANGUAGES) {
      const file = path.join(localesDir, language, 'stt.json');
      expect(fs.existsSync(file), file).toBe(true);
      const parsed = SttLocaleSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      expect(parsed.success, `${file}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('loads every list, and each drops its own first phrase but not an ordinary command', async () => {
    const lists = await loadPhantomLists();
    expect([...lists.keys()]).toEqual([...LANGUAGES]);
    for (const language of LANGUAGES) {
      const own = JSON.parse(fs.readFileSync(path.join(localesDir, language, 'stt.json'), 'utf8')) as { phantom_phrases: string[] };
      const applicable = listsFor(lists, language);
      expect(cleanTranscript(`${own.phantom_phrases[0]!}.`, applicable), language).toBe('');
      expect(cleanTranscript('Kiwi, turn on the kitchen lights.', applicable), language).toBe('Kiwi, turn on the kitchen lights.');
    }
  });

  it('catches the best-known phantoms of several languages', async () => {
    const lists = await loadPhantomLists();
    const cases: Array<[string, string]> = [
      ['en', 'Thanks for watching!'],
      ['ru', 'Субтитры сделал DimaTorzok'],
      ['ru', 'Редактор субтитров А.Синецкая Корректор А.Егорова'],
      ['fr', "Sous-titrage ST' 501"],
      ['de', 'Untertitel im Auftrag des ZDF, 2017'],
      ['it', 'Sottotitoli e revisione a cura di QTSS'],
      ['es', 'Subtítulos realizados por la comunidad de Amara.org'],
      ['ja', 'ご視聴ありがとうございました'],
      ['zh', '请不吝点赞 订阅 转发 打赏支持明镜与点点栏目'],
      ['ko', 'MBC 뉴스 이덕영입니다.'],
      ['ar', 'ترجمة نانسي قنقر'],
      ['ru', 'Thank you for watching.'], // Whisper falls back to English on noise whatever it was told
    ];
    for (const [language, text] of cases) expect(cleanTranscript(text, listsFor(lists, language)), `${language}: ${text}`).toBe('');
  });

  it('fails clearly when a language file is missing or malformed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-locales-'));
    try {
      fs.mkdirSync(path.join(dir, 'en'));
      fs.writeFileSync(path.join(dir, 'en', 'stt.json'), JSON.stringify({ phantom_phrases: ['x'], phantom_markers: [] }));
      await expect(loadPhantomLists(dir, ['en', 'ru'])).rejects.toMatchObject({ code: 'locale_missing' });
      fs.writeFileSync(path.join(dir, 'en', 'stt.json'), JSON.stringify({ phantom_phrases: [] }));
      await expect(loadPhantomLists(dir, ['en'])).rejects.toMatchObject({ code: 'locale_invalid' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
