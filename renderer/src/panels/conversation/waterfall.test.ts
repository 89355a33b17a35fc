import { describe, expect, it } from 'vitest';
import { formatMs, waterfall } from './waterfall.ts';

describe('latency waterfall', () => {
  it('lays a voice LLM turn out from the last voiced frame: transcript, first token after it, first audio, done', () => {
    const chart = waterfall({ transcript: 200, speaker: 150, first_audio: 900, total: 2400 }, 350, true)!;
    expect(chart.origin).toBe('the last voiced frame');
    expect(chart.span).toBe(2400);
    expect(chart.rows.map((r) => [r.key, r.start, r.end])).toEqual([
      ['transcript', 0, 200],
      ['speaker', 0, 150],
      ['first_token', 200, 550],
      ['first_audio', 550, 900],
      ['total', 900, 2400],
    ]);
    expect(chart.rows.find((r) => r.key === 'first_token')!.approximate).toBe(true);
  });

  it('shows the early transcript and the endpoint decision; without an early one, transcription starts at the endpoint', () => {
    const early = waterfall({ speculative: 380, endpoint: 390, transcript: 392, first_audio: 470, total: 2100 }, null, true)!;
    expect(early.rows.slice(0, 3).map((r) => [r.key, r.start, r.end])).toEqual([
      ['speculative', 0, 380],
      ['endpoint', 0, 390],
      ['transcript', 0, 392],
    ]);
    const late = waterfall({ endpoint: 700, transcript: 1100 }, null, true)!;
    expect(late.rows.map((r) => [r.key, r.start, r.end])).toEqual([
      ['endpoint', 0, 700],
      ['transcript', 700, 1100],
    ]);
  });

  it('starts a typed turn at the request and leaves out what it does not have', () => {
    const chart = waterfall({ total: 40 }, null, false)!;
    expect(chart.origin).toBe('the request');
    expect(chart.rows).toEqual([{ key: 'total', label: 'Turn done', start: 0, end: 40 }]);
    expect(waterfall({}, null, false)).toBeNull();
  });

  it('never draws a bar backwards', () => {
    const chart = waterfall({ transcript: 300, first_audio: 250, total: 280 }, null, true)!;
    for (const row of chart.rows) expect(row.end).toBeGreaterThanOrEqual(row.start);
  });

  it('formats milliseconds for people', () => {
    expect(formatMs(840)).toBe('840 ms');
    expect(formatMs(1530)).toBe('1.53 s');
    expect(formatMs(12_345)).toBe('12.3 s');
  });
});
