import fs from 'node:fs/promises';
import { writeFileAtomic } from '../../platform/atomic-write.ts';
import { KiwiError } from '../../platform/errors.ts';
import type { Pcm } from '../stages.ts';
import { float32ToInt16 } from './pcm.ts';
import { StreamResampler } from './resampler.ts';
import { SAMPLE_RATE } from '../../contract/audio.ts';

const bad = (message: string) => new KiwiError('bad_wav', message, 400);
/** Names for the WAV codecs people meet (phones, dictaphones), so the refusal says which it was. */
const CODECS: Record<number, string> = { 2: 'Microsoft ADPCM', 6: 'A-law', 7: 'μ-law', 17: 'IMA ADPCM', 49: 'GSM 6.10', 85: 'MP3' };
const CONVERT = 'convert it first, e.g. sox in.wav -e signed-integer -b 16 out.wav';

/**
 * Parse a RIFF/WAVE file: PCM 8/16/24/32-bit or IEEE float 32, any rate and channel count.
 * Channels are averaged to mono. Anything else is a clear error, never a guess.
 */
export function decodeWav(bytes: Uint8Array): Pcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw bad('not a WAV file (no RIFF/WAVE header)');
  let format: { code: number; channels: number; rate: number; bits: number } | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw bad('WAV fmt chunk is too short');
      let code = view.getUint16(body, true);
      if (code === 0xfffe && size >= 26) code = view.getUint16(body + 24, true); // WAVE_FORMAT_EXTENSIBLE: sub-format
      format = { code, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!format) throw bad('WAV data chunk comes before its fmt chunk');
      // Streams written live often leave the size at 0 or 0xFFFFFFFF: read to the end then.
      const end = size === 0 || body + size > bytes.byteLength ? bytes.byteLength : body + size;
      return { samples: toMono(view, body, end, format), sampleRate: format.rate };
    }
    offset = body + size + (size % 2);
  }
  throw bad('WAV file has no data chunk');
}

function toMono(view: DataView, start: number, end: number, f: { code: number; channels: number; rate: number; bits: number }): Float32Array {
  if (f.channels < 1 || f.channels > 32) throw bad(`WAV has ${f.channels} channels`);
  if (f.rate < 4000 || f.rate > 384_000) throw bad(`WAV sample rate ${f.rate} Hz is out of range`);
  const read = sampleReader(view, f.code, f.bits);
  const width = f.bits / 8;
  const frames = Math.floor((end - start) / (width * f.channels));
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < f.channels; c++) sum += read(start + (i * f.channels + c) * width);
    out[i] = sum / f.channels;
  }
  return out;
}

function sampleReader(view: DataView, code: number, bits: number): (at: number) => number {
  if (code === 3 && bits === 32) return (at) => view.getFloat32(at, true);
  if (code !== 1) throw bad(`WAV format ${code}${CODECS[code] ? ` (${CODECS[code]})` : ''}${code === 3 ? ` with ${bits}-bit samples` : ''} is not supported (PCM or 32-bit float only): ${CONVERT}`);
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    case 32:
      return (at) => view.getInt32(at, true) / 2147483648;
    default:
      throw bad(`WAV with ${bits}-bit samples is not supported: ${CONVERT}`);
  }
}

/** 16-bit mono PCM WAV bytes. */
export function encodeWav(audio: Pcm): Buffer {
  const pcm = float32ToInt16(audio.samples);
  const out = Buffer.alloc(44 + pcm.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + pcm.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(audio.sampleRate, 24);
  out.writeUInt32LE(audio.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i]!, 44 + i * 2);
  return out;
}

/** Samples at another rate (one-shot; streams keep their own StreamResampler). */
export function resampleTo(audio: Pcm, rate: number): Pcm {
  if (audio.sampleRate === rate) return audio;
  return { samples: new StreamResampler(audio.sampleRate, rate).resample(audio.samples), sampleRate: rate };
}

/** A WAV file as 16 kHz mono, the rate every listening stage takes. */
export async function readWav16k(file: string): Promise<Pcm> {
  const bytes = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw new KiwiError('file_unreadable', `cannot read ${file}: ${err.code ?? err.message}`, 400);
  });
  try {
    return resampleTo(decodeWav(bytes), SAMPLE_RATE);
  } catch (err) {
    if (err instanceof KiwiError) throw new KiwiError(err.code, `${file}: ${err.message}`, err.status);
    throw err;
  }
}

/** Write a WAV file atomically (a half-written file never appears under the name). */
export async function writeWav(file: string, audio: Pcm): Promise<void> {
  await writeFileAtomic(file, encodeWav(audio));
}
