import { LANGUAGES } from '../contract/languages.ts';
import { localesDir } from '../dialogue/commands/locale.ts';
import { securityLocale } from './locale.ts';
import { securityText } from './pattern.ts';
import { RULE_IDS, RULES, UNIVERSAL_RULES } from './rules.ts';
import { severityRank, type Severity } from './severity.ts';

/** Why a command got its severity: the rule, where it came from, and the words that matched. */
export interface RuleMatch {
  rule: string;
  severity: Exclude<Severity, 'safe'>;
  /** A language code for locale rules, 'universal' for shell/SQL rules. */
  source: string;
  /** The pattern as written in the locale file, or the universal rule's regex. */
  pattern: string;
  /** The part of the (normalised) text that matched. */
  matched: string;
}

export interface Classification {
  severity: Severity;
  /** The deciding match (the most severe; the turn's own language first on a tie); null when safe. */
  rule: RuleMatch | null;
  /** Every rule that matched, most severe first. */
  matches: RuleMatch[];
}

/**
 * Severity of a command from phrase rules. Every language's patterns are tried, not only the
 * turn's: a speech recogniser may write a command in another language than the one configured,
 * and an English "unlock the front door" said while Kiwi speaks Russian must not slip through.
 * The rules are keyword rules: they cannot tell "unlock the door" from "don't unlock the door",
 * and they err on the side of asking (negations and questions that name an action still match;
 * see classifier.test.ts for the decided edge cases).
 */
export class Classifier {
  constructor(private readonly dir = localesDir) {}

  classify(text: string, language: string): Classification {
    const matches: RuleMatch[] = [];
    const raw = text.normalize('NFKC').toLowerCase();
    for (const rule of UNIVERSAL_RULES) {
      const found = rule.regex.exec(raw);
      if (found) matches.push({ rule: rule.id, severity: rule.severity, source: 'universal', pattern: rule.regex.source, matched: found[0].trim() });
    }
    const order = [language, ...LANGUAGES.filter((l) => l !== language)];
    for (const code of order) {
      if (!(LANGUAGES as readonly string[]).includes(code)) continue;
      const locale = securityLocale(code, this.dir);
      const subject = securityText(text, locale.language);
      if (!subject.trim()) continue;
      for (const id of RULE_IDS) {
        for (const pattern of locale.rules[id]) {
          const found = pattern.regex.exec(subject);
          if (!found) continue;
          matches.push({ rule: id, severity: RULES[id], source: locale.language, pattern: pattern.source, matched: found[0].trim() });
          break; // one pattern per rule and language is explanation enough
        }
      }
    }
    // Stable sort: equal severities keep their order (universal, the turn's language, the others).
    matches.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
    const rule = matches[0] ?? null;
    return { severity: rule?.severity ?? 'safe', rule, matches };
  }
}

let shared: Classifier | null = null;

export function classify(text: string, language: string): Classification {
  shared ??= new Classifier();
  return shared.classify(text, language);
}
