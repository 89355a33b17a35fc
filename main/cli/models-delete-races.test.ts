import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runningServers, type RunningServer } from '../app/server-registry.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { exitCodeFor } from './command.ts';
import { deleteModels, type DeleteHooks } from './models-delete.ts';

/**
 * `kiwi models delete` and a Kiwi server starting on the same models folder, interleaved step by
 * step through the command's hooks. The server's config (its own data folder) runs its wake word
 * on openwakeword-alexa; the CLI's config (another data folder) does not use it, so only the
 * server can say it is in use.
 */
describeWithModels('kiwi models delete while a server starts', (fixtures) => {
  let dir: string;
  let env: Record<string, string>;
  let kiwi: TestKiwi | undefined;
  const models = () => env.KIWI_MODELS_DIR!;
  const installed = (id: string) => fs.stat(path.join(models(), id)).then(() => true, () => false);
  const startServer = () =>
    startTestKiwi({ env: { KIWI_MODELS_DIR: models(), KIWI_WAKE_WORD_ENGINE: 'openwakeword' }, config: { voice: { wake_model: 'openwakeword-alexa' } } });
  const wakeUsed = (k: TestKiwi) => k.kiwi.runtime.engine.fallbacks.find((f) => f.stage === 'wake')?.used ?? k.kiwi.runtime.engine.parts.wake?.name;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-delete-race-'));
    env = { KIWI_DATA_DIR: path.join(dir, 'cli-data'), KIWI_MODELS_DIR: path.join(dir, 'models'), KIWI_WAKE_WORD_ENGINE: 'text', KIWI_AUTO_DOWNLOAD_MODELS: 'false' };
    for (const id of ['silero-vad', 'openwakeword-alexa', 'openwakeword-hey-jarvis']) await fs.cp(path.join(fixtures, id), path.join(models(), id), { recursive: true });
    await fs.mkdir(path.join(models(), '.kiwi-servers'));
  });
  afterEach(async () => {
    await kiwi?.cleanup();
    kiwi = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Runs the command with `hooks`; what it printed, or the error it ended with and its exit code. */
  async function run(id: string, hooks: DeleteHooks): Promise<{ out: string; err?: { code: string; message: string }; exit: number }> {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const exit = await deleteModels([id], env, hooks);
      return { out: log.mock.calls.map((c) => String(c[0])).join('\n'), exit };
    } catch (err) {
      return { out: '', err: err as { code: string; message: string }, exit: exitCodeFor(err) };
    } finally {
      log.mockRestore();
    }
  }

  /** Resolves with the first server noted in the models folder (told by the folder's change events, not by polling). */
  function noteAppears(): Promise<RunningServer> {
    return new Promise((resolve, reject) => {
      const watcher = fsSync.watch(path.join(models(), '.kiwi-servers'), () => void look());
      const look = () =>
        runningServers(models()).then(([server]) => {
          if (!server) return;
          watcher.close();
          resolve(server);
        }, reject);
      void look();
    });
  }

  it('a server that starts after the CLI found none is seen before anything is deleted, and asked: its engine runs on the model', async () => {
    const outcome = await run('openwakeword-alexa', { noServerSeen: async () => void (kiwi = await startServer()) });
    expect(outcome).toMatchObject({ exit: 1, err: { code: 'model_in_use', message: expect.stringContaining(`the Kiwi server at ${kiwi!.url} refused`) } });
    expect(await installed('openwakeword-alexa')).toBe(true);
    expect(wakeUsed(kiwi!)).toBe('openwakeword');
  });

  it('a server that starts while the CLI deletes is noted before it opens a model, waits for the deletion, and refuses deletions meanwhile', async () => {
    let starting: Promise<TestKiwi> | undefined;
    const outcome = await run('openwakeword-alexa', {
      deleting: async () => {
        const noted = noteAppears();
        starting = startServer();
        const server = await noted;
        // Starting (no address yet) and may be opening models: another deletion is refused, not made behind its back.
        expect(server.url).toBe('');
        await expect(deleteModels(['openwakeword-hey-jarvis'], env)).rejects.toMatchObject({ code: 'server_starting', message: expect.stringContaining(`pid ${process.pid}`) });
      },
    });
    expect(outcome).toMatchObject({ exit: 0, out: expect.stringMatching(/^openwakeword-alexa: deleted/) });
    kiwi = await starting!;
    // It opened its models after the deletion, not during it: the wake word falls back to the transcript.
    expect(wakeUsed(kiwi)).toBe('text');
    expect(await installed('openwakeword-alexa')).toBe(false);
    expect(await installed('openwakeword-hey-jarvis')).toBe(true);
    expect((await runningServers(models())).map((s) => s.url)).toEqual([kiwi.url]);
  });
});
