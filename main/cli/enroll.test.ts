import { execFile } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../engine/audio/wav.ts';
import { describeWithModels } from '../engine/models/testing/model-env.ts';
import { concat, silence, speak, speechToolsMissing } from '../engine/models/testing/speech.ts';
import { appRoot } from '../platform/paths.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';

const run = promisify(execFile);

/** `npm run kiwi -- enroll ...` as a user runs it: a separate process, its exit code and output. */
async function kiwi(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KIWI_')));
  try {
    const { stdout, stderr } = await run(path.join(appRoot, 'node_modules', '.bin', 'tsx'), [path.join(appRoot, 'main/cli/main.ts'), ...args], {
      env: { ...clean, ...env },
      cwd: appRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
const wav = async (name: string, samples: Float32Array) => {
  const file = path.join(dir, name);
  await writeWav(file, { samples, sampleRate: 16000 });
  return file;
};

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-enroll-'));
});
afterAll(async () => fsp.rm(dir, { recursive: true, force: true }));

describe('kiwi enroll: usage and missing model', () => {
  it('exits 2 with the usage for missing arguments', async () => {
    const res = await kiwi(['enroll', '--name', 'Anna'], { KIWI_DATA_DIR: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('give at least one --input');
    expect(res.stderr).toContain('Usage: kiwi enroll');
    expect((await kiwi(['enroll', '--name', 'A', '--priority', 'boss', '--input', 'x.wav'], { KIWI_DATA_DIR: dir })).code).toBe(2);
  }, 30_000);

  it('exits 1 naming the file for an unreadable or silent WAV, and naming the missing model', async () => {
    const missing = await kiwi(['enroll', '--name', 'Anna', '--input', path.join(dir, 'nope.wav')], { KIWI_DATA_DIR: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.wav: ENOENT/);
    const quiet = await wav('quiet.wav', silence(2));
    const noModel = await kiwi(['enroll', '--name', 'Anna', '--input', quiet], { KIWI_DATA_DIR: dir, KIWI_MODELS_DIR: path.join(dir, 'no-models') });
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/Cannot enrol a voice: .*speaker model.*not installed|Cannot enrol a voice: No speaker model/);
  }, 30_000);
});

describeWithModels('kiwi enroll (real GE2E speaker model)', (modelsDir) => {
  const data = () => path.join(dir, 'data');
  const env = () => ({ KIWI_DATA_DIR: data(), KIWI_MODELS_DIR: modelsDir });

  it('enrols the owner from WAV files and prints the speaker; the server database has it', async () => {
    expect(speechToolsMissing()).toBeNull();
    const a = await wav('anna-1.wav', concat(silence(0.3), speak('The quick brown fox jumps over the lazy dog near the river bank.', 'en-us')));
    const b = await wav('anna-2.wav', speak('Please remind me to call my sister tomorrow morning at nine.', 'en-us'));
    const res = await kiwi(['enroll', '--name', 'Anna', '--priority', 'owner', '--input', a, '--input', b], env());
    expect(res.code, res.stderr).toBe(0);
    const speaker = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as { id: string; name: string; priority: number; sample_count: number };
    expect(speaker).toMatchObject({ name: 'Anna', priority: 0, sample_count: 2, auto_learned: false });
    const store = openSqliteStore(path.join(data(), 'kiwi.db'));
    try {
      expect(store.speakers.get(speaker.id)?.embedding).toHaveLength(256);
    } finally {
      store.close();
    }
    // A second owner is refused with a message and exit 1.
    const ben = await wav('ben.wav', speak('I would like a cup of tea and some biscuits this afternoon.', 'en-us+f3'));
    const second = await kiwi(['enroll', '--name', 'Ben', '--priority', 'owner', '--input', ben], env());
    expect(second.code, second.stdout).toBe(1);
    expect(second.stderr).toContain('Anna is already the owner');
    // Anna again under her name: the message says how to add the recordings to her profile instead.
    const again = await kiwi(['enroll', '--name', 'anna', '--input', b], env());
    expect(again.code, again.stdout).toBe(1);
    expect(again.stderr).toContain(`There is already a speaker named Anna (${speaker.id}); add samples to that profile instead: kiwi enroll --speaker ${speaker.id} --input …`);
    // More recordings for Anna; a file of someone else is refused by name.
    const c = await wav('anna-3.wav', speak('Turn off the lights in the kitchen please.', 'en-us'));
    const more = await kiwi(['enroll', '--speaker', speaker.id, '--input', c], env());
    expect(more.code, more.stderr).toBe(0);
    expect(JSON.parse(more.stdout.trim())).toMatchObject({ id: speaker.id, sample_count: 3 });
    const wrong = await kiwi(['enroll', '--speaker', speaker.id, '--input', ben], env());
    expect(wrong.code, wrong.stdout).toBe(1);
    expect(wrong.stderr).toMatch(/ben\.wav does not sound like Anna/);
  }, 120_000);
});
