import { describe, expect, it, vi } from 'vitest';
import { encodeEvent, EventReader, LIMITS, type WyomingEvent } from './framing.ts';

describe('Wyoming framing', () => {
  it('reads events split anywhere across chunks, merging the data block over inline data', () => {
    const block = '{"language": "en"}';
    const bytes = Buffer.concat([
      encodeEvent({ type: 'audio-chunk', data: { rate: 16000, width: 2, channels: 1 }, payload: Buffer.from([1, 2, 3, 4]) }),
      Buffer.from(`{"type": "transcribe", "data": {"language": "de", "name": "x"}, "data_length": ${block.length}}\n${block}`),
    ]);
    const reader = new EventReader();
    const events = [...bytes].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(events).toEqual([
      { type: 'audio-chunk', data: { rate: 16000, width: 2, channels: 1 }, payload: Buffer.from([1, 2, 3, 4]) },
      { type: 'transcribe', data: { language: 'en', name: 'x' }, payload: undefined },
    ]);
  });

  it('writes what the Python library writes: a header with version and lengths, then data, then payload', () => {
    const bytes = encodeEvent({ type: 'transcript', data: { text: 'hi' } });
    const [header, data] = bytes.toString('utf8').split('\n');
    expect(JSON.parse(header!)).toEqual({ type: 'transcript', version: expect.any(String), data_length: data!.length });
    expect(JSON.parse(data!)).toEqual({ text: 'hi' });
  });

  it('refuses declared lengths over the limits before buffering anything', () => {
    expect(() => new EventReader().push(Buffer.from(`{"type": "audio-chunk", "payload_length": ${LIMITS.payloadBytes + 1}}\n`))).toThrow(/payload_length .* over the limit/);
    expect(() => new EventReader().push(Buffer.from(`{"type": "x", "data_length": ${LIMITS.dataBytes + 1}}\n`))).toThrow(/data_length/);
    expect(() => new EventReader().push(Buffer.from(`{"type": "x", "payload_length": -1}\n`))).toThrow(/non-negative/);
    expect(() => new EventReader().push(Buffer.alloc(LIMITS.headerBytes + 1, 0x20))).toThrow(/header line longer/);
    expect(() => new EventReader().push(Buffer.from('[1, 2]\n'))).toThrow(/JSON object/);
    expect(() => new EventReader().push(Buffer.from('{"data": {}}\n'))).toThrow(/no event type/);
  });

  it('joins a big payload once, not once per read: linear work however the socket splits it', () => {
    // A 4 MiB audio chunk arrives in 64 KiB reads. Joining the buffer on every read copied ~32x the payload
    // (128 MiB per event), which stalled the event loop for everyone while one client streamed.
    const payload = Buffer.alloc(LIMITS.payloadBytes - 1024, 7);
    const frame = Buffer.concat([encodeEvent({ type: 'audio-chunk', data: { rate: 16000, width: 2, channels: 1 }, payload }), encodeEvent({ type: 'ping', data: {} })]);
    const reader = new EventReader();
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const events: WyomingEvent[] = [];
      for (let at = 0; at < frame.length; at += 64 * 1024) events.push(...reader.push(frame.subarray(at, at + 64 * 1024)));
      expect(events.map((e) => e.type)).toEqual(['audio-chunk', 'ping']);
      expect(events[0]!.payload!.equals(payload)).toBe(true);
      const copied = concat.mock.results.reduce((sum, r) => sum + (r.value as Buffer).length, 0);
      expect(copied).toBeLessThan(2 * frame.length);
    } finally {
      concat.mockRestore();
    }
  });
});
