import { KiwiError } from '../platform/errors.ts';

/** `{name}` placeholders used in a reply, sorted, for the parity checks and the formatters. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!))].sort();
}

/**
 * A reply with its `{placeholders}` filled. A missing value is a bug, not a silent gap: a
 * reply_placeholder error `<what> needs a value for {name}`, `what` saying which reply it was.
 */
export function fillReply(text: string, values: Readonly<Record<string, string | number>>, what: string): string {
  return text.replace(/\{([a-z_]+)\}/gu, (_all, name: string) => {
    const value = values[name];
    if (value === undefined) throw new KiwiError('reply_placeholder', `${what} needs a value for {${name}}`, 500);
    return String(value);
  });
}
