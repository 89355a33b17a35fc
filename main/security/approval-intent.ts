import { defaultMatcher } from '../dialogue/commands/matcher.ts';
import { normalizeText, spacingOf } from '../dialogue/commands/normalize.ts';
import { matchableText } from '../dialogue/commands/pattern.ts';
import { APPROVAL_PHRASE_KEYS, BARE_ANSWER_KEYS, securityLocale, type BareAnswerKey } from './locale.ts';

/** What the owner said about pending approvals: "approve", "deny number two", "deny all". */
export interface ApprovalIntent {
  kind: 'approve' | 'deny' | 'deny_all';
  /** The request number, when one was said. */
  number: number | null;
  /** Its place in the list as Kiwi reads it (by number), when that was said instead: "the second one", "the last one". */
  position?: number | 'last';
  language: string;
}

/**
 * Recognise an answer to an approval, in the turn's language or in English. Phrases must be the
 * whole utterance (after filler words such as "Kiwi" or "please"), as built-in commands are, so
 * "I approve of your taste in music" is not an approval. deny_all is tried first: "deny all" is not
 * request number "all".
 */
export function matchApprovalIntent(text: string, language: string): ApprovalIntent | null {
  for (const code of [...new Set([language, 'en'])]) {
    const locale = securityLocale(code);
    const full = matchableText(text, locale.language);
    if (!full.trim()) continue;
    const candidates = [...new Set([trimFillers(full, locale.language), full])];
    for (const kind of ['deny_all', ...APPROVAL_PHRASE_KEYS.filter((k) => k !== 'deny_all')] as const) {
      for (const phrase of locale.approval[kind]) {
        for (const candidate of candidates) {
          const found = phrase.regex.exec(candidate);
          if (!found) continue;
          if (found.groups?.pos !== undefined) {
            const position = parsePosition(found.groups.pos, locale.language, locale.file.approval);
            if (position !== null) return { kind, number: null, position, language: locale.language };
            continue;
          }
          const said = found.groups?.n;
          if (said === undefined) return { kind, number: null, language: locale.language };
          const number = parseNumber(said, locale.language, locale.file.approval.numbers);
          if (number !== null) return { kind, number, language: locale.language };
        }
      }
    }
  }
  return null;
}

/**
 * A bare "yes" or "no" ("да", "はい", "no thanks"), the whole utterance after fillers, in the turn's
 * language only: no English fallback, as a short word can mean the opposite elsewhere (Polish "no"
 * is a "yeah"). It is an answer to an approval only where voice-approvals.ts says so (right after
 * Kiwi asked the owner about one request); anywhere else it is ordinary speech.
 */
export function matchBareAnswer(text: string, language: string): BareAnswerKey | null {
  const locale = securityLocale(language);
  const full = matchableText(text, locale.language);
  if (!full.trim()) return null;
  const candidates = [...new Set([trimFillers(full, locale.language), full])];
  for (const key of BARE_ANSWER_KEYS) {
    if (locale.bareAnswers[key].some((phrase) => candidates.some((candidate) => phrase.regex.test(candidate)))) return key;
  }
  return null;
}

/** "2", "two", "second" → 2; null when it is not a number from 1 to 99. */
function parseNumber(said: string, language: string, words: string[][]): number | null {
  const normal = normalizeText(said, language).replace(/^(?:#|no|nr|n)\s*/u, '');
  if (/^[0-9]{1,2}$/u.test(normal)) return Number(normal) || null;
  const index = words.findIndex((forms) => forms.some((w) => normalizeText(w, language) === normal));
  return index >= 0 ? index + 1 : null;
}

/** "last" → 'last', "second" → 2; null when it is neither. */
function parsePosition(said: string, language: string, words: { last: string[]; numbers: string[][] }): number | 'last' | null {
  const normal = normalizeText(said, language);
  if (words.last.some((w) => normalizeText(w, language) === normal)) return 'last';
  return parseNumber(said, language, words.numbers);
}

/** Filler words ("Kiwi", "please", "ok") at either end, from the language's commands.json. */
function trimFillers(text: string, language: string): string {
  const spaced = spacingOf(language) === 'words';
  const fillers = defaultMatcher()
    .locale(language)
    .file.fillers.map((f) => normalizeText(f, language))
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
  let current = text;
  for (let changed = true; changed; ) {
    changed = false;
    for (const filler of fillers) {
      const head = spaced ? ` ${filler} ` : filler;
      const tail = spaced ? ` ${filler}` : filler;
      if (current.startsWith(head) && current.length > head.length) {
        current = spaced ? current.slice(head.length - 1) : current.slice(head.length);
        changed = true;
      } else if (current.endsWith(tail) && current.length > tail.length + (spaced ? 1 : 0)) {
        current = current.slice(0, current.length - tail.length);
        changed = true;
      }
    }
  }
  return current;
}
