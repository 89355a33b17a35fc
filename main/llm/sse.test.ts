import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse.ts';

const parseAll = (chunks: Uint8Array[]): SseEvent[] => {
  const parser = new SseParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
};

const STREAM = [
  ': comment line, ignored',
  'event: content_block_delta',
  'data: {"text":"Привет, 世界 🙂"}',
  '',
  'data: first line',
  'data:second line without a space',
  'id: 7',
  '',
  'retry: 1000',
  'event: empty-data-is-not-dispatched',
  '',
  'data: [DONE]',
  '',
].join('\n');

const EXPECTED: SseEvent[] = [
  { event: 'content_block_delta', data: '{"text":"Привет, 世界 🙂"}' },
  { event: 'message', data: 'first line\nsecond line without a space', id: '7' },
  { event: 'message', data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  it.each([
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
    ['\\r', '\r'],
  ])('parses fields, comments, multi-line data and ids with %s line ends', (_name, eol) => {
    const bytes = new TextEncoder().encode(STREAM.replace(/\n/g, eol));
    expect(parseAll([bytes])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are split (inside UTF-8 characters, between \\r and \\n)', () => {
    const bytes = new TextEncoder().encode(STREAM.replace(/\n/g, '\r\n'));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i], end));
        expect(parseAll(chunks)).toEqual(EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('delivers a last event that lacks its blank line at the end of the stream', () => {
    expect(parseAll([new TextEncoder().encode('data: tail')])).toEqual([{ event: 'message', data: 'tail' }]);
  });

  it('refuses a line longer than its limit instead of growing without bound', () => {
    const parser = new SseParser(100);
    expect(() => parser.push(new TextEncoder().encode(`data: ${'x'.repeat(200)}`))).toThrow(/exceeded 100/);
  });
});
