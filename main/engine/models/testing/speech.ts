import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Tools the model tests need to make speech: Debian packages espeak-ng and sox. */
export function speechToolsMissing(): string | null {
  for (const tool of ['espeak-ng', 'sox']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install -y espeak-ng sox)`; // the message is the result
    }
  }
  return null;
}

/** Speech from espeak-ng as 16 kHz mono float samples in [-1, 1]; `effects` are sox's (['pitch', '300']). */
export function speak(text: string, voice = 'en-us', effects: string[] = []): Float32Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-speech-'));
  try {
    const wav = path.join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', wav, text]);
    return resampleFile(wav, 16000, effects);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Any audio file sox reads, as mono float samples at `rate` (after sox's `effects`, if any). */
export function resampleFile(file: string, rate: number, effects: string[] = []): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'raw', '-r', String(rate), '-c', '1', '-e', 'floating-point', '-b', '32', '-L', '-', ...effects], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

/** Float samples at `from` Hz resampled by sox to `to` Hz. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  const raw = execFileSync(
    'sox',
    ['-t', 'raw', '-r', String(from), '-c', '1', '-e', 'floating-point', '-b', '32', '-L', '-', '-t', 'raw', '-r', String(to), '-e', 'floating-point', '-b', '32', '-L', '-'],
    { input: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength), maxBuffer: 256 * 1024 * 1024 },
  );
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4).slice();
}

export const silence = (seconds: number, rate = 16000) => new Float32Array(Math.round(seconds * rate));

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
