import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LanguageCode, LANGUAGES } from '../contract/languages.ts';
import { localesDir } from '../dialogue/commands/locale.ts';
import { compilePhrase, type CompiledPhrase } from '../dialogue/commands/pattern.ts';
import { KiwiError } from '../platform/errors.ts';
import { describeIssues } from '../platform/validate.ts';
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
  'request_item',
  'no_such_request',
  'owner_only',
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

const patterns = z.array(z.string().min(1).max(300)).min(1);
const phrases = z.array(z.string().min(1).max(120)).min(1);

const SecurityFile = z
  .object({
    rules: z.object(Object.fromEntries(RULE_IDS.map((id) => [id, patterns])) as Record<RuleId, typeof patterns>).strict(),
    approval: z
      .object({
        ...(Object.fromEntries(APPROVAL_PHRASE_KEYS.map((k) => [k, phrases])) as Record<ApprovalPhraseKey, typeof phrases>),
        /** How the numbers 1 to 10 are said, so "approve two" means request 2. */
        numbers: z.array(z.array(z.string().min(1)).min(1)).length(10),
      })
      .strict(),
    replies: z.object(Object.fromEntries(SECURITY_REPLY_KEYS.map((k) => [k, z.string().min(1)])) as Record<SecurityReplyKey, z.ZodString>).strict(),
  })
  .strict();
export type SecurityFile = z.infer<typeof SecurityFile>;

export interface SecurityLocale {
  language: LanguageCode;
  file: SecurityFile;
  rules: Record<RuleId, SecurityPattern[]>;
  approval: Record<ApprovalPhraseKey, CompiledPhrase[]>;
}

export const securityLocaleFile = (language: string, dir = localesDir) => path.join(dir, language, 'security.json');

/** Read, validate and compile one language's security.json; a broken file is a KiwiError naming file and problem. */
export function loadSecurityLocale(language: LanguageCode, dir = localesDir): SecurityLocale {
  const file = securityLocaleFile(language, dir);
  const fail = (problem: string) => new KiwiError('invalid_locale', `${file}: ${problem}`, 500);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail((err as Error).message);
  }
  const parsed = SecurityFile.safeParse(raw);
  if (!parsed.success) throw fail(describeIssues(parsed.error));
  const compile = <T>(where: string, source: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw fail(`${where} '${source}': ${(err as Error).message}`);
    }
  };
  const rules = {} as Record<RuleId, SecurityPattern[]>;
  for (const id of RULE_IDS) {
    rules[id] = parsed.data.rules[id].map((source) => compile(`rules.${id}`, source, () => compileSecurityPattern(source, language)));
  }
  const approval = {} as Record<ApprovalPhraseKey, CompiledPhrase[]>;
  for (const key of APPROVAL_PHRASE_KEYS) {
    approval[key] = parsed.data.approval[key].map((source) =>
      compile(`approval.${key}`, source, () => {
        const compiled = compilePhrase(source, language);
        const extra = compiled.slots.filter((slot) => slot !== 'n' || key === 'deny_all');
        if (extra.length) throw new Error(`may not use {${extra.join('}, {')}}`);
        return compiled;
      }),
    );
  }
  return { language, file: parsed.data, rules, approval };
}

const cache = new Map<string, SecurityLocale>();

/** The cached locale for a language; codes Kiwi does not speak fall back to English. */
export function securityLocale(language: string, dir = localesDir): SecurityLocale {
  const code = LanguageCode.safeParse(language).success ? (language as LanguageCode) : 'en';
  const key = `${dir}\u0000${code}`;
  let locale = cache.get(key);
  if (!locale) {
    locale = loadSecurityLocale(code, dir);
    cache.set(key, locale);
  }
  return locale;
}

/** Every language, loaded now: a broken file fails at start-up rather than mid-conversation. */
export function allSecurityLocales(dir = localesDir): SecurityLocale[] {
  return LANGUAGES.map((language) => securityLocale(language, dir));
}

/** A reply with its `{placeholders}` filled; a missing value is a bug, not a silent gap. */
export function securityReply(language: string, key: SecurityReplyKey, values: Record<string, string | number> = {}): string {
  const locale = securityLocale(language);
  return locale.file.replies[key].replace(/\{([a-z_]+)\}/gu, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new KiwiError('reply_placeholder', `Security reply '${key}' (${locale.language}) needs a value for {${name}}`, 500);
    return String(value);
  });
}
