import { describe, expect, it } from 'vitest';
import { LANGUAGES, type LanguageCode } from '../contract/languages.ts';
import { matchCommand } from '../dialogue/commands/matcher.ts';
import { normalizeText } from '../dialogue/commands/normalize.ts';
import { mapNormalized, MemoryMatcher } from './match.ts';

/** What people say, per language: "remember that …" (with the fact Kiwi must keep), recall, forget that, forget everything. */
const SAID: Record<LanguageCode, { remember: [string, string]; recall: string; forgetLast: string; forgetAll: string }> = {
  en: { remember: ["Remember that I'm vegetarian.", "I'm vegetarian"], recall: 'What do you remember about me?', forgetLast: 'Forget that.', forgetAll: 'Forget everything about me.' },
  ru: { remember: ['Запомни, что я вегетарианец.', 'я вегетарианец'], recall: 'Что ты помнишь обо мне?', forgetLast: 'Забудь это.', forgetAll: 'Забудь всё обо мне.' },
  es: { remember: ['Recuerda que soy vegetariano.', 'soy vegetariano'], recall: '¿Qué sabes de mí?', forgetLast: 'Olvida eso.', forgetAll: 'Olvida todo sobre mí.' },
  pt: { remember: ['Lembre-se de que eu sou vegetariano.', 'eu sou vegetariano'], recall: 'O que você sabe sobre mim?', forgetLast: 'Esqueça isso.', forgetAll: 'Esqueça tudo sobre mim.' },
  fr: { remember: ['Souviens-toi que je suis végétarien.', 'je suis végétarien'], recall: "Qu'est-ce que tu sais sur moi ?", forgetLast: 'Oublie ça.', forgetAll: 'Oublie tout sur moi.' },
  it: { remember: ['Ricordati che sono vegetariano.', 'sono vegetariano'], recall: 'Cosa ricordi di me?', forgetLast: 'Dimentica questo.', forgetAll: 'Dimentica tutto di me.' },
  de: { remember: ['Merk dir, dass ich Vegetarier bin.', 'ich Vegetarier bin'], recall: 'Was weißt du über mich?', forgetLast: 'Vergiss das.', forgetAll: 'Vergiss alles über mich.' },
  tr: { remember: ['Şunu hatırla: ben vejetaryenim.', 'ben vejetaryenim'], recall: 'Hakkımda ne biliyorsun?', forgetLast: 'Bunu unut.', forgetAll: 'Hakkımda her şeyi unut.' },
  pl: { remember: ['Zapamiętaj, że jestem wegetarianinem.', 'jestem wegetarianinem'], recall: 'Co o mnie wiesz?', forgetLast: 'Zapomnij o tym.', forgetAll: 'Zapomnij wszystko o mnie.' },
  zh: { remember: ['请记住我是素食者。', '我是素食者'], recall: '你记得我什么？', forgetLast: '忘掉那个。', forgetAll: '忘掉关于我的一切。' },
  ja: { remember: ['私はベジタリアンだって覚えておいて。', '私はベジタリアンだ'], recall: '私について何を覚えてる？', forgetLast: 'それを忘れて。', forgetAll: '私のことを全部忘れて。' },
  ko: { remember: ['내가 채식주의자라는 걸 기억해 줘.', '내가 채식주의자'], recall: '나에 대해 뭘 기억해?', forgetLast: '그거 잊어버려.', forgetAll: '나에 대한 모든 것을 잊어.' },
  hi: { remember: ['याद रखना कि मैं शाकाहारी हूँ।', 'मैं शाकाहारी हूँ'], recall: 'तुम्हें मेरे बारे में क्या याद है?', forgetLast: 'वह भूल जाओ।', forgetAll: 'मेरे बारे में सब कुछ भूल जाओ।' },
  ar: { remember: ['تذكر أن أخي اسمه علي.', 'أخي اسمه علي'], recall: 'ماذا تعرف عني؟', forgetLast: 'انس ذلك.', forgetAll: 'انس كل شيء عني.' },
  id: { remember: ['Ingat bahwa aku vegetarian.', 'aku vegetarian'], recall: 'Apa yang kamu ingat tentang aku?', forgetLast: 'Lupakan itu.', forgetAll: 'Lupakan semua tentang aku.' },
};

describe('memory commands in 15 languages', () => {
  const matcher = new MemoryMatcher();

  it.each(LANGUAGES)('%s: remember keeps the fact as said; recall, forget that and forget everything are recognised', (language) => {
    const said = SAID[language];
    expect(matcher.match(said.remember[0], language)).toMatchObject({ name: 'remember', fact: said.remember[1] });
    expect(matcher.match(said.recall, language)?.name).toBe('recall');
    expect(matcher.match(said.forgetLast, language)?.name).toBe('forget_last');
    expect(matcher.match(said.forgetAll, language)?.name).toBe('forget_all');
  });

  it.each(LANGUAGES)('%s: none of them is taken by a built-in command first (the router asks those before memory)', (language) => {
    const said = SAID[language];
    for (const text of [said.remember[0], said.recall, said.forgetLast, said.forgetAll]) expect(matchCommand(text, language), text).toBeNull();
  });

  it('keeps the fact in the original spelling: case, accents, apostrophes and inner punctuation', () => {
    expect(matcher.match('Kiwi, remember that my sister Zoë lives in Zürich, near the lake!', 'en')?.fact).toBe('my sister Zoë lives in Zürich, near the lake');
    expect(matcher.match("Retiens qu'il pleut souvent à Brest.", 'fr')?.fact).toBe('il pleut souvent à Brest');
  });

  it('trims filler words around the command; a trailing one only when punctuation sets it apart from the fact', () => {
    expect(matcher.match('Hey Kiwi, please remember that I take the bus.', 'en')?.fact).toBe('I take the bus');
    expect(matcher.match("Remember that I'm vegetarian, please.", 'en')?.fact).toBe("I'm vegetarian");
    expect(matcher.match('Remember that I always say thank you', 'en')?.fact).toBe('I always say thank you');
    expect(matcher.match('What do you remember about me, please?', 'en')?.name).toBe('recall');
  });

  it('matches only whole utterances: questions and other requests go on to the LLM', () => {
    for (const text of ['Do you remember that song from yesterday?', 'remember that', 'I forget that sometimes', 'Tell me what you think about me', 'forget it', 'remember my voice']) {
      expect(matcher.match(text, 'en'), text).toBeNull();
    }
  });

  it('takes "remember that …?" as a question about a memory, not a fact to keep, in any script', () => {
    for (const [text, language] of [
      ['Remember that time we went to Rome?', 'en'],
      ['Kiwi, remember that song we heard at the wedding ?', 'en'],
      ['¿Recuerdas que fuimos a Roma?', 'es'],
      ['Ricordi che siamo andati a Roma?', 'it'],
      ['记住我们去罗马的那次？', 'zh'],
      ['تذكر أننا ذهبنا إلى روما؟', 'ar'],
    ] as const) {
      expect(matcher.match(text, language), text).toBeNull();
    }
    // A request that ends in a question mark after an aside or a filler word is still a request.
    expect(matcher.match('Remember that my birthday is in May, okay?', 'en')?.fact).toBe('my birthday is in May');
    expect(matcher.match('Remember that I like tea please?', 'en')?.name).toBe('remember');
    expect(matcher.match('Remember that the code is 4471.', 'en')?.fact).toBe('the code is 4471');
  });

  it('takes a reminiscing "remember that time we …" as conversation even without a question mark (as speech recognition writes it)', () => {
    for (const [text, language] of [
      ['Remember that time we went to Rome', 'en'],
      ['Kiwi, remember that song we heard at the wedding', 'en'],
      ['remember that night in Paris', 'en'],
      ['remember that one time', 'en'],
      ['تذكر عندما ذهبنا إلى روما', 'ar'],
      ['تذكر تلك المرة في روما', 'ar'],
    ] as const) {
      expect(matcher.match(text, language), text).toBeNull();
    }
    // Facts that begin with the same words are still kept.
    expect(matcher.match("Remember that my sister's name is Anna", 'en')?.fact).toBe("my sister's name is Anna");
    expect(matcher.match('Remember that time is short on Mondays', 'en')?.fact).toBe('time is short on Mondays');
    expect(matcher.match('Remember that day care closes at six', 'en')?.fact).toBe('day care closes at six');
    expect(matcher.match('تذكر أن أخي اسمه علي', 'ar')?.fact).toBe('أخي اسمه علي');
    expect(matcher.match('تذكر موعد الطبيب يوم الخميس', 'ar')?.fact).toBe('موعد الطبيب يوم الخميس');
  });

  it('falls back to English for a language Kiwi does not speak', () => {
    expect(matcher.match('Remember that I like tea.', 'xx')).toMatchObject({ name: 'remember', fact: 'I like tea' });
  });
});

describe('mapNormalized', () => {
  it('is normalizeText, with each character pointing at where it came from', () => {
    for (const [text, language] of [
      ["Don't  stop — Zoë's café!", 'en'],
      ['Şunu hatırla: İstanbul.', 'tr'],
      ['أَخِي اسمه عليّ', 'ar'],
      ['内容 是 中文，好。', 'zh'],
      ['नमस्ते, दुनिया।', 'hi'],
    ] as const) {
      const mapped = mapNormalized(text, language);
      expect(mapped.normal).toBe(normalizeText(text, language));
      expect(mapped.from).toHaveLength(mapped.normal.length);
    }
    const mapped = mapNormalized('Hi, Zoë', 'en');
    const [a, b] = mapped.from[mapped.normal.indexOf('zoe')]!;
    expect('Hi, Zoë'.slice(a, b)).toBe('Z');
  });
});
