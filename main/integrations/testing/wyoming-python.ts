import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Wyoming client library Home Assistant uses, pinned. */
const WYOMING = 'wyoming==1.10.2';
const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wyoming_client.py');

/**
 * A Python venv with the `wyoming` package from PyPI, in the test cache beside the model
 * fixtures (made once, reused while the pin is the same). Returns its python.
 */
export async function wyomingPython(cacheDir: string): Promise<string> {
  const venv = path.join(cacheDir, 'wyoming-venv');
  const python = path.join(venv, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  const stamp = path.join(venv, 'kiwi-pin.txt');
  if ((await fs.readFile(stamp, 'utf8').catch(() => '')) === WYOMING) return python; // no stamp yet: (re)create below
  await fs.rm(venv, { recursive: true, force: true });
  await run('python3', ['-m', 'venv', venv]);
  await run(python, ['-m', 'pip', 'install', '--quiet', '--only-binary=:all:', WYOMING], { maxBuffer: 1 << 24 });
  await fs.writeFile(stamp, WYOMING);
  return python;
}

/** One request through the wyoming client (testing/wyoming_client.py); resolves with its JSON answer. */
export async function wyomingClient(python: string, port: number, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(python, [CLIENT, String(port), ...args], { maxBuffer: 1 << 24, timeout: 180_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}
