import fs from 'node:fs/promises';
import path from 'node:path';
import { parseSoul, type Soul } from './soul-file.ts';

export interface SoulProblem {
  file: string;
  problem: string;
}

export interface PromptContext {
  speakerName?: string | null;
  language: string;
}

/**
 * Built-in souls (resources/souls) plus the user's (<data dir>/souls). A user soul with a
 * built-in's id replaces it, so people can tune a built-in without editing the app.
 * Files starting with `_` are not souls (`_base.md` is the base prompt).
 */
export class SoulRegistry {
  private constructor(
    private readonly souls: Map<string, Soul>,
    readonly basePrompt: string,
    readonly problems: SoulProblem[],
  ) {}

  static async load(builtinDir: string, userDir: string): Promise<SoulRegistry> {
    const souls = new Map<string, Soul>();
    const problems: SoulProblem[] = [];
    for (const [dir, builtin] of [[builtinDir, true], [userDir, false]] as const) {
      for (const file of await soulFiles(dir)) {
        const id = path.basename(file, '.md');
        try {
          souls.set(id, parseSoul(await fs.readFile(file, 'utf8'), id, builtin));
        } catch (err) {
          problems.push({ file, problem: (err as Error).message });
        }
      }
    }
    const basePrompt = (await fs.readFile(path.join(builtinDir, '_base.md'), 'utf8')).trim();
    return new SoulRegistry(souls, basePrompt, problems);
  }

  list(): Soul[] {
    return [...this.souls.values()].sort((a, b) => Number(b.id === 'default') - Number(a.id === 'default') || a.name.localeCompare(b.name));
  }

  get(id: string): Soul | undefined {
    return this.souls.get(id);
  }

  /** System prompt = base prompt + soul overlay + who is speaking and in which language. */
  composePrompt(soul: Soul, context: PromptContext): string {
    const who = context.speakerName ? `You are talking with ${context.speakerName}.` : 'The speaker is not recognised.';
    return [this.basePrompt, soul.prompt, `${who} Answer in the language with code "${context.language}".`].join('\n\n---\n\n');
  }
}

async function soulFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.endsWith('.md') && !n.startsWith('_')).sort().map((n) => path.join(dir, n));
}
