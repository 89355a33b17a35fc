import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from './wav.ts';

function wavBytes(opts: { code: number; channels: number; rate: number; bits: number }, data: Buffer): Buffer {
  const head = Buffer.alloc(44);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8, 'ascii');
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(opts.code, 20);
  head.writeUInt16LE(opts.channels, 22);
  head.writeUInt32LE(opts.rate, 24);
  head.writeUInt32LE((opts.rate * opts.channels * opts.bits) / 8, 28);
  head.writeUInt16LE((opts.channels * opts.bits) / 8, 32);
  head.writeUInt16LE(opts.bits, 34);
  head.write('data', 36, 'ascii');
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

describe('WAV files', () => {
  it('round-trips 16-bit mono through encode and decode', () => {
    const audio = decodeWav(encodeWav({ samples: new Float32Array([0, 0.5, -0.5, 0.25]), sampleRate: 22050 }));
    expect(audio.sampleRate).toBe(22050);
    expect([...audio.samples].map((s) => Math.round(s * 1000) / 1000)).toEqual([0, 0.5, -0.5, 0.25]);
  });

  it('averages stereo to mono and reads 32-bit float', () => {
    const data = Buffer.alloc(16);
    [0.5, -0.5, 1, 0].forEach((v, i) => data.writeFloatLE(v, i * 4));
    const audio = decodeWav(wavBytes({ code: 3, channels: 2, rate: 48000, bits: 32 }, data));
    expect([...audio.samples]).toEqual([0, 0.5]);
  });

  it.each([
    ['not RIFF at all', Buffer.from('hello, this is not audio at all')],
    ['an unsupported codec (mu-law)', wavBytes({ code: 7, channels: 1, rate: 8000, bits: 8 }, Buffer.alloc(8))],
    ['an absurd sample rate', wavBytes({ code: 1, channels: 1, rate: 7, bits: 16 }, Buffer.alloc(8))],
    ['no data chunk', wavBytes({ code: 1, channels: 1, rate: 16000, bits: 16 }, Buffer.alloc(0)).subarray(0, 36)],
  ])('refuses %s with a bad_wav error', (_what, bytes) => {
    expect(() => decodeWav(bytes)).toThrow(expect.objectContaining({ code: 'bad_wav', status: 400 }));
  });

  it('names the codec it refuses and says how to convert the file', () => {
    expect(() => decodeWav(wavBytes({ code: 7, channels: 1, rate: 8000, bits: 8 }, Buffer.alloc(8)))).toThrow(
      'WAV format 7 (μ-law) is not supported (PCM or 32-bit float only): convert it first, e.g. sox in.wav -e signed-integer -b 16 out.wav',
    );
    expect(() => decodeWav(wavBytes({ code: 3, channels: 1, rate: 8000, bits: 64 }, Buffer.alloc(16)))).toThrow('WAV format 3 with 64-bit samples is not supported');
  });
});
