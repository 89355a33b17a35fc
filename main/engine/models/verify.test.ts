import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { modelsCommand } from '../../cli/models.ts';
import { findModel, loadCatalog } from './catalog.ts';
import { writeManifest } from './manifest.ts';
import { requireVerifiedModel } from './require.ts';
import { verifyModel } from './verify.ts';

let root: string;

/** Lay out a shipped-catalog model by hand, as the fixture script does, with its manifest. */
async function installByHand(id: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(root, id);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  const model = findModel(await loadCatalog(), id);
  await writeManifest(dir, { id, source: 'catalog', catalog_files: model.files.map((f) => ({ url: f.url, sha256: f.sha256 })) });
  return dir;
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'kiwi-verify-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await fs.rm(root, { recursive: true, force: true });
});

describe('verifyModel', () => {
  it('passes an intact install', async () => {
    await installByHand('silero-vad', { 'silero_vad.onnx': 'model bytes' });
    expect(await verifyModel('silero-vad', { modelsDir: root })).toEqual({ ok: true, problems: [], warnings: [] });
  });

  it('detects a corrupted file (one byte changed, same size)', async () => {
    const dir = await installByHand('stt-whisper-tiny', { 'tiny-encoder.int8.onnx': 'abcdef', 'tiny-tokens.txt': 'x 0\n' });
    await fs.writeFile(path.join(dir, 'tiny-encoder.int8.onnx'), 'abcdeF');
    const result = await verifyModel('stt-whisper-tiny', { modelsDir: root });
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^corrupted: .*tiny-encoder\.int8\.onnx \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)$/);
  });

  it('detects a missing file and a model that is not installed', async () => {
    const dir = await installByHand('silero-vad', { 'silero_vad.onnx': 'bytes' });
    await fs.rm(path.join(dir, 'silero_vad.onnx'));
    expect((await verifyModel('silero-vad', { modelsDir: root })).problems).toEqual([`missing: ${path.join(dir, 'silero_vad.onnx')}`]);
    const absent = await verifyModel('speaker-nemo-titanet-small', { modelsDir: root });
    expect(absent.ok).toBe(false);
    expect(absent.problems[0]).toMatch(/^missing: .*\.kiwi-model\.json \(the model is not installed\)$/);
  });

  it('verifies a test stand-in that is not in the catalog, but refuses unknown ids otherwise', async () => {
    const dir = path.join(root, 'stt-substitute');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'encoder.onnx'), 'weights');
    await writeManifest(dir, { id: 'stt-substitute', source: 'fixture', catalog_files: [], fixture: [{ package: 'pypi:x', version: '1', archive_sha256: 'a'.repeat(64) }] });
    const result = await verifyModel('stt-substitute', { modelsDir: root });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual(['stt-substitute is a test fixture built from pypi:x@1']);
    await expect(verifyModel('no-such-model', { modelsDir: root })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('is the gate before use: requireVerifiedModel refuses a corrupted model', async () => {
    const dir = await installByHand('silero-vad', { 'silero_vad.onnx': 'good' });
    expect(await requireVerifiedModel('silero-vad', { modelsDir: root })).toBe(dir);
    await fs.writeFile(path.join(dir, 'silero_vad.onnx'), 'evil');
    await expect(requireVerifiedModel('silero-vad', { modelsDir: root })).rejects.toMatchObject({ code: 'model_unusable' });
  });
});

describe('kiwi models verify / path / list', () => {
  function captureStdout(): string[] {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    return lines;
  }

  it('exits 0 when every installed model is intact and 1 when a file is corrupted', async () => {
    vi.stubEnv('KIWI_MODELS_DIR', root);
    const dir = await installByHand('silero-vad', { 'silero_vad.onnx': 'model' });
    const out = captureStdout();
    expect(await modelsCommand.run(['verify'])).toBe(0);
    expect(out).toContain('ok   silero-vad');

    await fs.appendFile(path.join(dir, 'silero_vad.onnx'), '!');
    expect(await modelsCommand.run(['verify'])).toBe(1);
    expect(out.some((l) => l.startsWith('BAD  silero-vad'))).toBe(true);
  });

  it('exits 1 for a named model that is missing', async () => {
    vi.stubEnv('KIWI_MODELS_DIR', root);
    captureStdout();
    expect(await modelsCommand.run(['verify', 'silero-vad'])).toBe(1);
  });

  it('prints the model folder and the JSON list the server and dashboard share', async () => {
    vi.stubEnv('KIWI_MODELS_DIR', root);
    await installByHand('silero-vad', { 'silero_vad.onnx': 'model' });
    const out = captureStdout();
    expect(await modelsCommand.run(['path', 'silero-vad'])).toBe(0);
    expect(out[0]).toBe(path.join(root, 'silero-vad'));

    out.length = 0;
    expect(await modelsCommand.run(['list', '--json'])).toBe(0);
    const list = JSON.parse(out.join('\n')) as Array<{ id: string; task: string; languages: string[]; installed: boolean; files: unknown[] }>;
    const vad = list.find((m) => m.id === 'silero-vad');
    expect(vad).toMatchObject({ task: 'vad', languages: ['multi'], installed: true });
    expect(vad?.files[0]).toEqual({
      url: expect.stringMatching(/^https:\/\//),
      sha256: '1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3',
      size: 2327524,
    });
    expect(list.filter((m) => m.installed).map((m) => m.id)).toEqual(['silero-vad']);
  });
});
