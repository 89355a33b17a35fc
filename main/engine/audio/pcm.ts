import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { Pcm } from '../stages.ts';

/** Conversions between 16-bit PCM (the wire format) and float samples (what models take). */

export function int16ToFloat32(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
  return out;
}

export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = s < 0 ? s * 32768 : s * 32767;
  }
  return out;
}

/** Little-endian s16 bytes → Int16Array (copies when the buffer is unaligned or the host is big-endian). */
export function bytesToInt16(bytes: Uint8Array): Int16Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError(`PCM s16le needs an even byte count, got ${bytes.byteLength}`);
  const out = new Int16Array(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function int16ToBytes(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i]!, i * 2);
  return out;
}

/** Sentences or pieces of one voice, joined with `gap` samples of silence between them. */
export function concatWithGaps(parts: readonly Float32Array[], gap: number): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0) + Math.max(0, parts.length - 1) * gap);
  let offset = 0;
  parts.forEach((p, i) => {
    if (i > 0) offset += gap;
    out.set(p, offset);
    offset += p.length;
  });
  return out;
}

/** Pieces of one utterance (one sample rate) as one; no pieces is silence at the engine's rate. */
export function joinPcm(pieces: readonly Pcm[]): Pcm {
  if (pieces.length === 1) return pieces[0]!;
  return { samples: concatWithGaps(pieces.map((p) => p.samples), 0), sampleRate: pieces[0]?.sampleRate ?? SAMPLE_RATE };
}
