import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../contract/languages.ts';
import { copiesOfEnglish, expectSamePlaceholders, shippedLocales } from '../i18n/testing/locale-parity.ts';
import { matchApprovalIntent } from './approval-intent.ts';
import { APPROVAL_PHRASE_KEYS, loadSecurityLocale, SECURITY_REPLY_KEYS, type SecurityFile } from './locale.ts';
import { RULE_IDS } from './rules.ts';

const { raw, en, others } = shippedLocales<SecurityFile>('security');

/** Replies that may read the same as in English (a product name, a button with only an emoji difference). */
const SAME_AS_ENGLISH_OK = new Set(['channel_telegram']);

describe('security.json in all 15 languages', () => {
  it.each(LANGUAGES)('%s: exists, validates, every pattern and approval phrase compiles', (language) => {
    const locale = loadSecurityLocale(language);
    expect(Object.keys(locale.rules).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) expect(locale.rules[id].length, id).toBeGreaterThan(0);
    for (const key of APPROVAL_PHRASE_KEYS) expect(locale.approval[key].length, key).toBeGreaterThan(0);
  });

  it.each(others)('%s: every reply has the placeholders the English one has, and is translated', (language) => {
    const file = raw(language);
    expectSamePlaceholders(file.replies, en.replies, SECURITY_REPLY_KEYS);
    expect(copiesOfEnglish(file.replies, en.replies, SECURITY_REPLY_KEYS, SAME_AS_ENGLISH_OK)).toEqual([]);
  });

  it.each(LANGUAGES)('%s: the owner can approve, deny one by number and deny all in that language', (language) => {
    const { approval } = raw(language);
    // A phrase as someone would say it: optional words left out, the first of each choice, "two" for the number.
    const spoken = (phrase: string) =>
      phrase
        .replace(/\[[^\]]*\]\s*/gu, '')
        .replace(/\(([^|)]*)[^)]*\)/gu, '$1')
        .replace('{n}', approval.numbers[1]![0]!);
    expect(matchApprovalIntent(spoken(approval.approve[0]!), language)).toMatchObject({ kind: 'approve', number: null, language });
    expect(matchApprovalIntent(spoken(approval.deny_all[0]!), language)).toMatchObject({ kind: 'deny_all', language });
    const numbered = spoken(approval.deny.find((p) => p.includes('{n}'))!);
    expect(matchApprovalIntent(numbered, language), numbered).toMatchObject({ kind: 'deny', number: 2 });
  });
});
