import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { freePort } from '../testing/free-port.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { exitCodeFor, UsageError } from './command.ts';
import { deleteModels } from './models-delete.ts';
import { modelsCommand } from './models.ts';

/**
 * `kiwi models delete` never pulls a model out from under Kiwi: with no server on the models
 * folder it refuses what the config's stages would run on; with one, it asks that server (whose
 * engine knows what it runs on) through DELETE /api/models/{id}.
 */
describeWithModels('kiwi models delete', (fixtures) => {
  let dir: string;
  let env: Record<string, string>;
  let kiwi: TestKiwi | undefined;
  const models = () => env.KIWI_MODELS_DIR!;
  const installed = (id: string) => fs.stat(path.join(models(), id)).then(() => true, () => false);

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-delete-'));
    env = { KIWI_DATA_DIR: path.join(dir, 'data'), KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_WAKE_WORD_ENGINE: 'text', KIWI_AUTO_DOWNLOAD_MODELS: 'false' };
    for (const id of ['silero-vad', 'openwakeword-alexa']) await fs.cp(path.join(fixtures, id), path.join(models(), id), { recursive: true });
  });
  afterEach(async () => {
    await kiwi?.cleanup();
    kiwi = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the command; what it printed, or the error it ended with and its exit code. */
  async function run(...argv: string[]): Promise<{ out: string; err?: { code: string; message: string }; exit: number }> {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const exit = await deleteModels(argv, env);
      return { out: log.mock.calls.map((c) => String(c[0])).join('\n'), exit };
    } catch (err) {
      const exit = err instanceof UsageError ? 2 : exitCodeFor(err);
      return { out: '', err: err as { code: string; message: string }, exit };
    } finally {
      log.mockRestore();
    }
  }

  it('no server: refuses the model the config runs on, deletes one it does not, and says why anything else fails', async () => {
    const inUse = await run('silero-vad');
    expect(inUse).toMatchObject({ exit: 1, err: { code: 'model_in_use', message: expect.stringContaining('its vad on it') } });
    expect(await installed('silero-vad')).toBe(true);

    const done = await run('openwakeword-alexa');
    expect(done.exit).toBe(0);
    expect(done.out).toMatch(/^openwakeword-alexa: deleted, [\d.]+ MB freed$/);
    expect(await installed('openwakeword-alexa')).toBe(false);

    expect(await run('openwakeword-alexa')).toMatchObject({ exit: 1, err: { code: 'not_installed' } });
    expect(await run('no-such-model')).toMatchObject({ exit: 1, err: { code: 'not_found' } });
    expect(await run()).toMatchObject({ exit: 2 });
    // `kiwi models delete` is the command that runs it.
    await expect(modelsCommand.run(['delete'])).rejects.toThrow(new UsageError('name at least one model id'));
  });

  it('a server runs on the folder: its own in-use check answers, and what it allows is deleted through it', async () => {
    kiwi = await startTestKiwi({ env });
    const deleted: unknown[] = [];
    kiwi.kiwi.runtime.bus.on('MODEL_DELETED', (data) => deleted.push(data));

    const inUse = await run('silero-vad');
    expect(inUse).toMatchObject({ exit: 1, err: { code: 'model_in_use', message: expect.stringContaining(`the Kiwi server at ${kiwi.url} refused`) } });
    expect(await installed('silero-vad')).toBe(true);

    const done = await run('openwakeword-alexa');
    expect(done.out).toContain(`(through the Kiwi server at ${kiwi.url})`);
    expect(deleted).toEqual([{ id: 'openwakeword-alexa', freed_bytes: expect.any(Number) }]);
    expect(await installed('openwakeword-alexa')).toBe(false);

    // Once it has stopped, its note is gone: deletion is decided here again.
    await kiwi.cleanup();
    kiwi = undefined;
    expect(await fs.readdir(path.join(models(), '.kiwi-servers'))).toEqual([]);
    expect(await run('silero-vad')).toMatchObject({ exit: 1, err: { code: 'model_in_use', message: expect.stringContaining('the config') } });
  });

  it('a note of a server that is gone is cleared; one whose process lives but does not answer stops the deletion', async () => {
    const notes = path.join(models(), '.kiwi-servers');
    await fs.mkdir(notes);
    await fs.writeFile(path.join(notes, '999999999.json'), JSON.stringify({ pid: 999999999, url: 'http://127.0.0.1:9' }));
    expect((await run('openwakeword-alexa')).exit).toBe(0);
    expect(await fs.readdir(notes)).toEqual([]);

    await fs.cp(path.join(fixtures, 'openwakeword-alexa'), path.join(models(), 'openwakeword-alexa'), { recursive: true });
    const silent = `http://127.0.0.1:${await freePort()}`;
    // A live process other than this one (this one's own pid on a note it did not write is a leftover).
    await fs.writeFile(path.join(notes, `${process.ppid}-1a2b3c.json`), JSON.stringify({ pid: process.ppid, url: silent }));
    const refused = await run('openwakeword-alexa');
    expect(refused).toMatchObject({ exit: 1, err: { code: 'server_unreachable', message: expect.stringContaining(`does not answer at ${silent}`) } });
    expect(await installed('openwakeword-alexa')).toBe(true);
  });
});
