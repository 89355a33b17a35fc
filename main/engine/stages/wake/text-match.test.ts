import { describe, expect, it } from 'vitest';
import { phoneticKey, soundDistance } from './phonetic.ts';
import { matchWakeWord, type WakePolicy } from './text-match.ts';
import { transliterate } from './transliterate.ts';

type Row = [transcript: string, language: string, command: string | null];

/** [transcript, language, expected command or null for "no wake word"], wake word "kiwi". */
const KIWI: Row[] = [
  // English, as speech-to-text writes it
  ['Kiwi, what time is it?', 'en', 'what time is it?'],
  ['Hey Kiwi, turn on the lights.', 'en', 'turn on the lights.'],
  ['OK, kiwi. Set a timer for five minutes', 'en', 'Set a timer for five minutes'],
  ['Key we, what time is it?', 'en', 'what time is it?'],
  ['kee wee what is the weather', 'en', 'what is the weather'],
  ['Keewee, play some jazz', 'en', 'play some jazz'],
  ['Kee-wee, stop', 'en', 'stop'],
  ['Kiwi.', 'en', ''],
  ['Kiwi', 'en', ''],
  ['I bought a kiwi at the store', 'en', null],
  ['Give me the key, we need to go', 'en', null],
  ['Kevin, come here', 'en', null],
  ['Kiwis are tasty', 'en', null],
  ['Key, we need to talk', 'en', null],
  ['What time is it, Kiwi?', 'en', null],
  ['', 'en', null],
  // Russian
  ['Киви, который час?', 'ru', 'который час?'],
  ['Эй, киви, включи свет', 'ru', 'включи свет'],
  ['Kiwi, включи музыку', 'ru', 'включи музыку'],
  ['Я купил киви в магазине', 'ru', null],
  ['Кино было хорошее', 'ru', null],
  // Spanish, Portuguese, French, Italian, German, Turkish, Polish, Indonesian
  ['Oye kiwi, ¿qué hora es?', 'es', '¿qué hora es?'],
  ['Me gusta el kiwi', 'es', null],
  ['Oi Kiwi, que horas são?', 'pt', 'que horas são?'],
  ['Qui oui, quelle heure est-il ?', 'fr', 'quelle heure est-il ?'],
  ['Dis kiwi, allume la lumière', 'fr', 'allume la lumière'],
  ['Ehi kiwi, che ore sono?', 'it', 'che ore sono?'],
  ['Hallo Kiwi, wie spät ist es?', 'de', 'wie spät ist es?'],
  ['Ich esse gern Kiwi', 'de', null],
  ['Kivi, saat kaç?', 'tr', 'saat kaç?'],
  ['Hej kiwi, która godzina?', 'pl', 'która godzina?'],
  ['Halo kiwi, jam berapa sekarang?', 'id', 'jam berapa sekarang?'],
  // Chinese, Japanese, Korean: no spaces, or particles attached to the name
  ['奇异果，现在几点？', 'zh', '现在几点？'],
  ['嘿，奇异，开灯', 'zh', '开灯'],
  ['Kiwi，现在几点？', 'zh', '现在几点？'],
  ['奇异的事情发生了', 'zh', null],
  ['我喜欢吃奇异果', 'zh', null],
  ['キウイ、今何時？', 'ja', '今何時？'],
  ['ねえキウイ、電気をつけて', 'ja', '電気をつけて'],
  ['キウイさん、天気は？', 'ja', '天気は？'],
  ['キウイを買いました', 'ja', null],
  ['今日はキウイを食べた', 'ja', null],
  ['키위야, 지금 몇 시야?', 'ko', '지금 몇 시야?'],
  ['헤이 키위, 불 켜 줘', 'ko', '불 켜 줘'],
  ['나는 키위를 좋아해', 'ko', null],
  // Hindi, Arabic
  ['किवी, क्या समय हुआ है?', 'hi', 'क्या समय हुआ है?'],
  ['अरे कीवी, लाइट जलाओ', 'hi', 'लाइट जलाओ'],
  ['मैंने कीवी खरीदा', 'hi', null],
  ['كيوي، كم الساعة؟', 'ar', 'كم الساعة؟'],
  ['يا كيوي، شغل الضوء', 'ar', 'شغل الضوء'],
  ['اشتريت كيوي من السوق', 'ar', null],
];

describe('matchWakeWord: "kiwi" in 15 languages', () => {
  it.each(KIWI)('%j (%s)', (transcript, language, command) => {
    const result = matchWakeWord(transcript, 'kiwi', language);
    expect(result.matched).toBe(command !== null);
    expect(result.command).toBe(command ?? transcript.trim());
  });

  it('finds the spellings whatever case or script the wake word is configured in', () => {
    for (const wake of ['Kiwi', 'KIWI', 'киви']) {
      expect(matchWakeWord('奇异果，开灯', wake, 'zh')).toEqual({ matched: true, command: '开灯', distance: 0 });
    }
  });

  it('falls back to English for a language Kiwi does not speak', () => {
    expect(matchWakeWord('Kiwi, hoe laat is het?', 'kiwi', 'nl').command).toBe('hoe laat is het?');
    expect(matchWakeWord('Hey kiwi, wie laat', 'kiwi', 'nl-BE').matched).toBe(true);
  });
});

/** A wake word the user picked: found by sound, in any script. */
const CUSTOM: Array<[transcript: string, wake: string, language: string, command: string | null]> = [
  ['Computer, lights on', 'computer', 'en', 'lights on'],
  ['Hey computer, lights on', 'computer', 'en', 'lights on'],
  ['Komputer, lights on', 'computer', 'en', 'lights on'],
  ['The computer is broken', 'computer', 'en', null],
  ['Компьютер, включи музыку', 'computer', 'ru', 'включи музыку'],
  ['コンピューター、電気をつけて', 'computer', 'ja', '電気をつけて'],
  ['Hey Jarvis, what time is it', 'hey jarvis', 'en', 'what time is it'],
  ['Hey, Jarvis. What time is it', 'hey jarvis', 'en', 'What time is it'],
  ['Jarvis, what time is it', 'hey jarvis', 'en', 'what time is it'],
  ['Jarvis, what time is it', 'jarvis', 'en', 'what time is it'],
  ['Джарвис, сколько времени?', 'jarvis', 'ru', 'сколько времени?'],
  ['جارفيس، كم الساعة؟', 'jarvis', 'ar', 'كم الساعة؟'],
  ['ジャービス、電気をつけて', 'jarvis', 'ja', '電気をつけて'],
  ['I watched a movie about Jarvis', 'jarvis', 'en', null],
  ['Alexa, stop', 'alexa', 'en', 'stop'],
  ['Алекса, стоп', 'alexa', 'ru', 'стоп'],
  ['Alex, stop', 'alexa', 'en', null],
  ['Nova, set an alarm', 'nova', 'en', 'set an alarm'],
  ['Noah, set an alarm', 'nova', 'en', null],
  ['小爱，开灯', '小爱', 'zh', '开灯'],
];

describe('matchWakeWord: a wake word the user picked', () => {
  it.each(CUSTOM)('%j with wake word %j (%s)', (transcript, wake, language, command) => {
    const result = matchWakeWord(transcript, wake, language);
    expect(result.matched).toBe(command !== null);
    expect(result.command).toBe(command ?? transcript.trim());
  });
});

describe('matchWakeWord policies', () => {
  const rows: Array<[string, WakePolicy, string | null]> = [
    ['What time is it, Kiwi?', 'start', null],
    ['What time is it, Kiwi?', 'vocative', 'What time is it?'],
    ['Kiwi, what time is it?', 'vocative', 'what time is it?'],
    ['I like kiwi', 'vocative', null],
    ['Turn on, kiwi, the lights', 'vocative', null],
    ['Turn on, kiwi, the lights', 'anywhere', 'Turn on the lights'],
    ['I like kiwi', 'anywhere', 'I like'],
  ];
  it.each(rows)('%j with policy %s', (transcript, policy, command) => {
    const result = matchWakeWord(transcript, 'kiwi', 'en', { policy });
    expect(result.matched).toBe(command !== null);
    expect(result.command).toBe(command ?? transcript.trim());
  });
});

describe('sound-alike keys', () => {
  it('romanises the scripts of Kiwi\'s languages', () => {
    expect(transliterate('киви')).toBe('kivi');
    expect(transliterate('कीवी')).toBe('kiivii');
    expect(transliterate('जार्विस')).toBe('jaarvis');
    expect(transliterate('كيوي')).toBe('kywy');
    expect(transliterate('キウイ')).toBe('kiui');
    expect(transliterate('きゃ')).toBe('kya');
    expect(transliterate('シャツ')).toBe('shatsu');
    expect(transliterate('ウィンドウ')).toBe('windou');
    expect(transliterate('コーヒー')).toBe('koohii');
    expect(transliterate('키위')).toBe('kiwi');
    expect(transliterate('奇异')).toBe('奇异');
  });

  it('folds spellings that sound alike onto one key', () => {
    for (const heard of ['Kiwi', 'kee wee', 'Keewee', 'киви', 'किवी', 'कीवी', 'كيوي', '키위', 'Qiwi']) expect(phoneticKey(heard), heard).toBe('kivi');
    expect(phoneticKey('key we')).toBe('kive');
    expect(phoneticKey('Джарвис')).toBe(phoneticKey('Jarvis'));
    expect(phoneticKey('Алекса')).toBe(phoneticKey('Alexa'));
  });

  it('charges half an edit for near sounds and a whole one otherwise', () => {
    expect(soundDistance('kivi', 'kive')).toBe(0.5);
    expect(soundDistance('kivi', 'givi')).toBe(0.5);
    expect(soundDistance('kivi', 'kivis')).toBe(1);
    expect(soundDistance('kivi', 'tivi')).toBe(1);
    expect(soundDistance('', 'abc')).toBe(3);
  });
});
