import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { KiwiError, notFound } from '../platform/errors.ts';
import { parseSoul } from './soul-file.ts';
import { soulMarkdown, type SoulFields } from './soul-markdown.ts';

export interface UserSoulDirs {
  /** resources/souls: read-only. */
  builtin: string;
  /** <data dir>/souls: where the user's souls live. */
  user: string;
}

const fileOf = (dir: string, id: string) => path.join(dir, `${id}.md`);

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Writes and deletes user souls as markdown files. Built-ins are read-only: a write or delete that
 * names a built-in is a 409 (the registry would let a user file replace one, but editing a
 * built-in in place through the API would make "reset" impossible; save under a new id instead).
 */
export class UserSouls {
  constructor(private readonly dirs: UserSoulDirs) {}

  async isBuiltin(id: string): Promise<boolean> {
    return exists(fileOf(this.dirs.builtin, id));
  }

  /** Create or replace `<user>/<id>.md` atomically (temp file + rename); true when it is new. */
  async save(id: string, soul: SoulFields): Promise<boolean> {
    if (await this.isBuiltin(id)) {
      throw new KiwiError('soul_read_only', `'${id}' is a built-in soul and cannot be changed; save your version under another id`, 409);
    }
    const text = soulMarkdown(id, soul);
    parseSoul(text, id, false); // what we write must be what the registry reads back
    await fs.mkdir(this.dirs.user, { recursive: true });
    const target = fileOf(this.dirs.user, id);
    const created = !(await exists(target));
    // A dot name without .md: the registry never picks up a half-written temp file.
    const temp = path.join(this.dirs.user, `.${id}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, text, { mode: 0o600 });
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return created;
  }

  async remove(id: string): Promise<void> {
    const target = fileOf(this.dirs.user, id);
    if (await exists(target)) {
      await fs.rm(target);
      return;
    }
    if (await this.isBuiltin(id)) throw new KiwiError('soul_read_only', `'${id}' is a built-in soul and cannot be deleted`, 409);
    throw notFound('user soul', id);
  }
}
