/** Small clean-ups of what sherpa recognizers return, shared by the offline and online adapters. */

/** '<|en|>' or 'en' → 'en'; empty or absent → undefined. */
export function heardLanguage(lang: string | undefined): string | undefined {
  const code = lang?.replace(/^<\|/, '').replace(/\|>$/, '').trim().toLowerCase();
  return code ? code : undefined;
}

/**
 * Transducers trained on upper-cased corpora (LibriSpeech, GigaSpeech) answer "TURN ON THE
 * LIGHTS": shown to people and matched against commands, lower case reads as speech does.
 * Text with any lower-case letter is left as the model wrote it.
 */
export function tidyCase(text: string): string {
  const trimmed = text.trim();
  return /\p{Lu}/u.test(trimmed) && !/\p{Ll}/u.test(trimmed) ? trimmed.toLowerCase() : trimmed;
}
