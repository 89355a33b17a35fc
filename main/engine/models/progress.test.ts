import { describe, expect, it } from 'vitest';
import { formatProgressBar, ProgressMeter } from './progress.ts';

describe('ProgressMeter', () => {
  it('derives rate and ETA from the bytes seen over time', () => {
    let now = 0;
    const meter = new ProgressMeter(10_000_000, 3000, () => now);
    meter.update(0);
    now = 1000;
    meter.update(1_000_000);
    now = 2000;
    const snap = meter.update(2_000_000);
    expect(snap.rate_bps).toBe(1_000_000);
    expect(snap.eta_s).toBe(8);
  });

  it('forgets samples older than its window, so the rate follows the network', () => {
    let now = 0;
    const meter = new ProgressMeter(null, 2000, () => now);
    meter.update(0);
    for (now = 1000; now <= 10_000; now += 1000) meter.update(now * 100); // 100 kB/s
    now = 11_000;
    meter.update(1_000_000 + 1_000_000); // then 1 MB in one second
    expect(meter.snapshot().rate_bps).toBeGreaterThan(300_000);
    expect(meter.snapshot().eta_s).toBeNull(); // unknown total: no ETA
  });
});

describe('formatProgressBar', () => {
  it('draws a bar with percent, sizes, rate and ETA', () => {
    const line = formatProgressBar({ bytes: 5_000_000, total: 10_000_000, rate_bps: 2_500_000, eta_s: 2 }, 'silero-vad', 10);
    expect(line).toBe('[#####.....]  50%  5.0 MB/10.0 MB  2.5 MB/s  ETA 00:02  silero-vad');
  });

  it('says so when the size is unknown', () => {
    expect(formatProgressBar({ bytes: 1500, total: null, rate_bps: 0, eta_s: null }, 'x', 4)).toBe('[????]   ?%  1.5 kB  0 B/s  ETA --:--  x');
  });
});
