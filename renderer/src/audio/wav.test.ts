import { describe, expect, it } from 'vitest';
import { encodeWav, toBase64 } from './wav.ts';

describe('enrollment WAV clips', () => {
  it('writes a canonical 16-bit mono PCM WAV with the samples little-endian after the header', () => {
    const samples = Int16Array.from({ length: 1600 }, (_, i) => Math.round(10000 * Math.sin(i / 10)));
    const bytes = encodeWav(samples, 16000);
    const view = new DataView(bytes.buffer);
    const text = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
    expect(bytes.length).toBe(44 + 3200);
    expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(1); // mono
    expect(view.getUint32(24, true)).toBe(16000);
    expect(view.getUint32(28, true)).toBe(32000);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(3200);
    for (const i of [0, 100, 1599]) expect(view.getInt16(44 + 2 * i, true)).toBe(samples[i]);
  });

  it('base64-encodes large clips (beyond one argument list) exactly', () => {
    const bytes = Uint8Array.from({ length: 200_001 }, (_, i) => (i * 7) % 256);
    const back = Uint8Array.from(atob(toBase64(bytes)), (c) => c.charCodeAt(0));
    expect(back).toEqual(bytes);
  });
});
