import { localeError } from './locale-file.ts';

/** Slots a phrase list must (required) or may (optional) use; any other slot is an error in the file. */
export interface SlotRules {
  required: readonly string[];
  optional: readonly string[];
}

/** What is wrong with a phrase's slots under `rules` ("needs {name}", "may not use {x}"), or null. */
export function slotProblem(slots: readonly string[], rules: SlotRules): string | null {
  const missing = rules.required.filter((slot) => !slots.includes(slot));
  if (missing.length) return `needs {${missing.join('}, {')}}`;
  const extra = slots.filter((slot) => !rules.required.includes(slot) && !rules.optional.includes(slot));
  return extra.length ? `may not use {${extra.join('}, {')}}` : null;
}

/**
 * Compile every entry of the lists `keys` of a locale file's `group` (phrases, patterns), in that
 * order. An entry `compile` throws on is an invalid_locale error naming the file, the list and
 * the entry: `<file>: phrases.stop 'be quiet': <why>`.
 */
export function compileLists<K extends string, T>(
  file: string,
  group: string,
  lists: Record<K, readonly string[]>,
  keys: readonly K[],
  compile: (source: string, key: K) => T,
): Record<K, T[]> {
  const compiled = {} as Record<K, T[]>;
  for (const key of keys) {
    compiled[key] = lists[key].map((source) => {
      try {
        return compile(source, key);
      } catch (err) {
        throw localeError(file, `${group}.${key} '${source}': ${(err as Error).message}`);
      }
    });
  }
  return compiled;
}
