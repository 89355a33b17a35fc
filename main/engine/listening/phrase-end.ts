import type { Verdict } from './endpointer.ts';

/**
 * Words a phrase does not end on: "set a timer for…", "turn on the…", "what is the weather in…".
 * After one of them the speaker is still talking (or searching for the word), so the endpoint
 * waits longer. Only words that almost never end a command are listed; a language without a
 * list is judged by punctuation alone.
 */
const OPEN_ENDINGS: Record<string, string[]> = {
  en: ['a', 'an', 'the', 'to', 'for', 'of', 'in', 'on', 'at', 'by', 'with', 'from', 'into', 'about', 'and', 'or', 'but', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'is', 'are', 'was', 'were', 'be', 'what', "what's", 'how', 'which', 'whats', 'set', 'turn', 'switch', 'than', 'if', 'because', 'until'],
  de: ['der', 'die', 'das', 'den', 'dem', 'des', 'ein', 'eine', 'einen', 'einem', 'einer', 'für', 'auf', 'in', 'im', 'an', 'am', 'zu', 'zum', 'zur', 'mit', 'von', 'vom', 'und', 'oder', 'aber', 'mein', 'meine', 'ist', 'wie', 'was', 'welche', 'welcher'],
  es: ['el', 'la', 'los', 'las', 'un', 'una', 'de', 'del', 'a', 'al', 'en', 'para', 'por', 'con', 'y', 'o', 'pero', 'mi', 'mis', 'es', 'qué', 'cuál', 'cómo'],
  fr: ['le', 'la', 'les', 'un', 'une', 'de', 'du', 'des', 'à', 'au', 'aux', 'en', 'pour', 'par', 'avec', 'et', 'ou', 'mais', 'mon', 'ma', 'mes', 'est', 'quel', 'quelle'],
  it: ['il', 'lo', 'la', 'i', 'gli', 'le', 'un', 'una', 'di', 'del', 'della', 'a', 'al', 'alla', 'in', 'nel', 'per', 'con', 'e', 'o', 'ma', 'mio', 'mia', 'è', 'che', 'quale'],
  pt: ['o', 'a', 'os', 'as', 'um', 'uma', 'de', 'do', 'da', 'em', 'no', 'na', 'para', 'por', 'com', 'e', 'ou', 'mas', 'meu', 'minha', 'é', 'qual'],
  ru: ['в', 'на', 'для', 'с', 'со', 'к', 'ко', 'по', 'о', 'об', 'от', 'до', 'из', 'и', 'или', 'но', 'мой', 'моя', 'какой', 'какая', 'сколько', 'поставь', 'включи', 'выключи'],
};

const sets = new Map(Object.entries(OPEN_ENDINGS).map(([language, words]) => [language, new Set(words)]));

/**
 * Whether an early transcript reads as a finished command. Trailing dots ("for...") or a dash
 * say the speaker went on; so does a last word from the language's list. Empty text (noise, or
 * nothing heard yet) is no evidence either way: null.
 */
export function judgePhrase(text: string, language: string): Verdict | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  // Not a comma: Whisper on a short window often ends complete words with one ("lights,").
  if (/(\.\.\.|…|-|—)$/.test(trimmed)) return 'unfinished';
  const words = trimmed
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'’]+$/u, '')
    .split(/[^\p{L}\p{N}'’]+/u);
  const last = words.at(-1) ?? '';
  return sets.get(language)?.has(last) ? 'unfinished' : 'complete';
}
