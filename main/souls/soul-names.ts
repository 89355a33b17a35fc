/**
 * Whether two soul names are the one a person would say: "Kiwi, switch to Default" reaches a soul
 * by its name, so two souls called the same (case, spacing and how accents are composed aside)
 * could not both be reached. The API and the dashboard's form refuse such a second name alike.
 */
export function sameSoulName(a: string, b: string): boolean {
  const norm = (name: string) => name.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  return norm(a) === norm(b);
}
