import { z } from 'zod';
import { LANGUAGES, type LanguageCode } from '../contract/languages.ts';
import { compilePhrase, type CompiledPhrase } from '../dialogue/commands/pattern.ts';
import { everyKey, loadLocaleFile, LocaleCache, localeFilePath, localesDir } from '../i18n/locale-file.ts';
import { compileLists, slotProblem } from '../i18n/phrase-lists.ts';
import { fillReply } from '../i18n/replies.ts';
import { compileSecurityPattern, type SecurityPattern } from './pattern.ts';
import { RULE_IDS, type RuleId } from './rules.ts';

/** Spoken answers and Telegram texts; `{placeholders}` are filled by the caller. */
export const SECURITY_REPLY_KEYS = [
  'refused',
  'approval_asked',
  'approval_confirm',
  'approval_still_waiting',
  'too_many_pending',
  'approved',
  'denied',
  'denied_all',
  'expired',
  'which_one',
  'which_one_many',
  'request_item',
  'no_such_request',
  'owner_only',
  'typed_answer',
  'owner_default',
  'unknown_voice',
  'severity_warning',
  'severity_dangerous',
  'severity_critical',
  'channel_voice',
  'channel_api',
  'channel_telegram',
  'channel_openclaw',
  'exec_request',
  'telegram_request',
  'telegram_approve',
  'telegram_deny',
  'outcome_approved',
  'outcome_denied',
  'outcome_expired',
] as const;
export type SecurityReplyKey = (typeof SECURITY_REPLY_KEYS)[number];

/** Phrase lists for answering approvals by voice (whole-utterance phrases, as in commands.json). */
export const APPROVAL_PHRASE_KEYS = ['approve', 'deny', 'deny_all'] as const;
export type ApprovalPhraseKey = (typeof APPROVAL_PHRASE_KEYS)[number];
/** A bare "yes" / "no": an answer only right after Kiwi asked the owner about one request (voice-approvals.ts). */
export const BARE_ANSWER_KEYS = ['yes', 'no'] as const;
export type BareAnswerKey = (typeof BARE_ANSWER_KEYS)[number];

const patterns = z.array(z.string().min(1).max(300)).min(1);
const phrases = z.array(z.string().min(1).max(120)).min(1);

const SecurityFile = z
  .object({
    rules: everyKey(RULE_IDS, patterns),
    approval: z
      .object({
        ...(Object.fromEntries(APPROVAL_PHRASE_KEYS.map((k) => [k, phrases])) as Record<ApprovalPhraseKey, typeof phrases>),
        ...(Object.fromEntries(BARE_ANSWER_KEYS.map((k) => [k, phrases])) as Record<BareAnswerKey, typeof phrases>),
        /** How "the last one" is said ({pos} in approve/deny phrases; the other positions are said as `numbers`). */
        last: phrases,
        /** How the numbers 1 to 10 are said, so "approve two" means request 2. */
        numbers: z.array(z.array(z.string().min(1)).min(1)).length(10),
      })
      .strict(),
    replies: everyKey(SECURITY_REPLY_KEYS, z.string().min(1)),
  })
  .strict();
export type SecurityFile = z.infer<typeof SecurityFile>;

export interface SecurityLocale {
  language: LanguageCode;
  file: SecurityFile;
  rules: Record<RuleId, SecurityPattern[]>;
  approval: Record<ApprovalPhraseKey, CompiledPhrase[]>;
  bareAnswers: Record<BareAnswerKey, CompiledPhrase[]>;
}

export const securityLocaleFile = (language: string, dir = localesDir) => localeFilePath('security', language, dir);

/** Read, validate and compile one language's security.json; a broken file is a KiwiError naming file and problem. */
export function loadSecurityLocale(language: LanguageCode, dir = localesDir): SecurityLocale {
  const file = loadLocaleFile('security', language, SecurityFile, { dir });
  const filePath = securityLocaleFile(language, dir);
  const rules = compileLists(filePath, 'rules', file.rules, RULE_IDS, (source) => compileSecurityPattern(source, language));
  /** A whole-utterance phrase; `numbered`: it may pick a request by number ({n}) or by its place in the list ({pos}). */
  const phrase = (source: string, numbered: boolean) => {
    const compiled = compilePhrase(source, language);
    const problem = slotProblem(compiled.slots, { required: [], optional: numbered ? ['n', 'pos'] : [] });
    if (problem) throw new Error(problem);
    if (compiled.slots.length > 1) throw new Error('needs {n} or {pos}, not both');
    return compiled;
  };
  // "deny all" and a bare yes/no name no number.
  const approval = compileLists(filePath, 'approval', file.approval, APPROVAL_PHRASE_KEYS, (source, key) => phrase(source, key !== 'deny_all'));
  const bareAnswers = compileLists(filePath, 'approval', file.approval, BARE_ANSWER_KEYS, (source) => phrase(source, false));
  return { language, file, rules, approval, bareAnswers };
}

const cache = new LocaleCache(loadSecurityLocale);

/** The cached locale for a language; codes Kiwi does not speak fall back to English. */
export function securityLocale(language: string, dir = localesDir): SecurityLocale {
  return cache.get(language, dir);
}

/** Every language, loaded now: a broken file fails at start-up rather than mid-conversation. */
export function allSecurityLocales(dir = localesDir): SecurityLocale[] {
  return LANGUAGES.map((language) => securityLocale(language, dir));
}

/** A reply with its `{placeholders}` filled; a missing value is a bug, not a silent gap. */
export function securityReply(language: string, key: SecurityReplyKey, values: Record<string, string | number> = {}): string {
  const locale = securityLocale(language);
  return fillReply(locale.file.replies[key], values, `Security reply '${key}' (${locale.language})`);
}
