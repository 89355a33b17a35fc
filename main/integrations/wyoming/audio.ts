import { StreamResampler } from '../../engine/audio/resampler.ts';
import { float32ToInt16, int16ToBytes } from '../../engine/audio/pcm.ts';
import type { Pcm } from '../../engine/stages.ts';
import { WyomingProtocolError, type WyomingEvent } from './framing.ts';

/** What Kiwi's stages take: 16 kHz mono. */
export const STAGE_RATE = 16000;

export interface AudioFormat {
  rate: number;
  /** Bytes per sample: 1 (unsigned), 2, 3 or 4 (signed little-endian). */
  width: number;
  channels: number;
}

/** The format an audio-start / audio-chunk declares, checked. */
export function audioFormat(data: Record<string, unknown>): AudioFormat {
  const { rate, width, channels } = data;
  const int = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
  if (!int(rate, 1000, 384_000)) throw new WyomingProtocolError('audio rate must be an integer from 1000 to 384000');
  if (!int(width, 1, 4)) throw new WyomingProtocolError('audio width must be 1, 2, 3 or 4 bytes');
  if (!int(channels, 1, 16)) throw new WyomingProtocolError('audio channels must be 1 to 16');
  return { rate: rate as number, width: width as number, channels: channels as number };
}

const sameFormat = (a: AudioFormat, b: AudioFormat) => a.rate === b.rate && a.width === b.width && a.channels === b.channels;

/**
 * One incoming audio stream in any format the protocol allows, as 16 kHz mono floats. Keeps
 * a partial frame between chunks and one resampler for the whole stream.
 */
export class IncomingAudio {
  #format: AudioFormat | null = null;
  #resampler: StreamResampler | null = null;
  #rest: Buffer = Buffer.alloc(0);

  start(format: AudioFormat): void {
    this.#format = format;
    this.#resampler = new StreamResampler(format.rate, STAGE_RATE);
    this.#rest = Buffer.alloc(0);
  }

  /** An audio-chunk's payload as 16 kHz mono; a chunk without audio-start starts the stream in its own format. */
  push(event: WyomingEvent): Float32Array {
    const format = audioFormat(event.data);
    if (!this.#format || !sameFormat(format, this.#format)) this.start(format);
    const frame = format.width * format.channels;
    const bytes = this.#rest.length > 0 ? Buffer.concat([this.#rest, event.payload ?? Buffer.alloc(0)]) : (event.payload ?? Buffer.alloc(0));
    const whole = bytes.length - (bytes.length % frame);
    this.#rest = Buffer.from(bytes.subarray(whole));
    return this.#resampler!.resample(toMono(bytes.subarray(0, whole), format));
  }
}

function sampleAt(bytes: Buffer, offset: number, width: number): number {
  switch (width) {
    case 1:
      return (bytes.readUInt8(offset) - 128) / 128;
    case 2:
      return bytes.readInt16LE(offset) / 32768;
    case 3:
      return bytes.readIntLE(offset, 3) / 8388608;
    default:
      return bytes.readInt32LE(offset) / 2147483648;
  }
}

function toMono(bytes: Buffer, { width, channels }: AudioFormat): Float32Array {
  const frames = bytes.length / (width * channels);
  const out = new Float32Array(frames);
  for (let i = 0, offset = 0; i < frames; i += 1) {
    let sum = 0;
    for (let c = 0; c < channels; c += 1, offset += width) sum += sampleAt(bytes, offset, width);
    out[i] = sum / channels;
  }
  return out;
}

/** Samples per audio-chunk Kiwi sends (HA's own Wyoming TTS chunking). */
const CHUNK_SAMPLES = 1024;

/** Synthesised speech as audio-start, 16-bit mono audio-chunks and audio-stop. */
export function audioEvents(pcm: Pcm): WyomingEvent[] {
  const format = { rate: pcm.sampleRate, width: 2, channels: 1 };
  const events: WyomingEvent[] = [{ type: 'audio-start', data: { ...format, timestamp: 0 } }];
  for (let at = 0; at < pcm.samples.length; at += CHUNK_SAMPLES) {
    const slice = pcm.samples.subarray(at, at + CHUNK_SAMPLES);
    events.push({ type: 'audio-chunk', data: { ...format, timestamp: Math.round((at / pcm.sampleRate) * 1000) }, payload: int16ToBytes(float32ToInt16(slice)) });
  }
  events.push({ type: 'audio-stop', data: { timestamp: Math.round((pcm.samples.length / pcm.sampleRate) * 1000) } });
  return events;
}
