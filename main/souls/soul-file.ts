import YAML from 'yaml';
import { z } from 'zod';
import { SoulId } from '../contract/config.ts';
import { describeIssues } from '../platform/validate.ts';

/** A personality: a markdown prompt overlay with YAML front matter. */
export interface Soul {
  id: string;
  name: string;
  description: string;
  /** LLM model override for this soul; empty = the configured llm.model. */
  model: string;
  nsfw: boolean;
  voice?: string;
  style?: string;
  /** The markdown body, composed over the base prompt. */
  prompt: string;
  builtin: boolean;
}

const FrontMatter = z
  .object({
    id: SoulId,
    name: z.string().min(1).max(64),
    description: z.string().max(280).default(''),
    model: z.string().max(128).default(''),
    nsfw: z.boolean().default(false),
    voice: z.string().max(64).optional(),
    style: z.string().max(32).optional(),
  })
  .strict();

const FENCE = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parse a soul file; throws an Error naming the problem (the registry reports it and skips the file). */
export function parseSoul(text: string, expectedId: string, builtin: boolean): Soul {
  const match = FENCE.exec(text);
  if (!match) throw new Error('missing YAML front matter (--- … ---) at the top');
  const meta = FrontMatter.safeParse(YAML.parse(match[1]!) ?? {});
  if (!meta.success) throw new Error(`front matter: ${describeIssues(meta.error)}`);
  if (meta.data.id !== expectedId) throw new Error(`id '${meta.data.id}' does not match the file name '${expectedId}.md'`);
  const prompt = match[2]!.trim();
  if (!prompt) throw new Error('the prompt (text after the front matter) is empty');
  return { ...meta.data, prompt, builtin };
}
