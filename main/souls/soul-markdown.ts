import YAML from 'yaml';

/** The fields of a soul file: front matter plus the markdown prompt. */
export interface SoulFields {
  name: string;
  description: string;
  model: string;
  nsfw: boolean;
  voice?: string;
  style?: string;
  prompt: string;
}

/**
 * A soul as the markdown file the registry reads (`parseSoul`): YAML front matter between `---`
 * fences, then the prompt. Browser-safe (no Node imports): the settings window previews with the
 * same function the server writes with. Optional fields that are unset are left out of the file.
 */
export function soulMarkdown(id: string, soul: SoulFields): string {
  const meta: Record<string, unknown> = { id, name: soul.name, description: soul.description };
  if (soul.model) meta.model = soul.model;
  meta.nsfw = soul.nsfw;
  if (soul.voice) meta.voice = soul.voice;
  if (soul.style) meta.style = soul.style;
  // lineWidth 0: never fold a long description onto several lines.
  return `---\n${YAML.stringify(meta, { lineWidth: 0 }).trimEnd()}\n---\n\n${soul.prompt.trim()}\n`;
}
