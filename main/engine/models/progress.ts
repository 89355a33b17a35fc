/**
 * Download progress: a rate smoothed over a few seconds (so the ETA does not jump with every
 * TCP burst), and the text of a terminal progress bar.
 */
export interface ProgressSnapshot {
  bytes: number;
  total: number | null;
  rate_bps: number;
  eta_s: number | null;
}

export class ProgressMeter {
  private samples: Array<{ at: number; bytes: number }> = [];

  constructor(
    private total: number | null,
    private readonly windowMs = 3000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record the running byte count; returns the current snapshot. */
  update(bytes: number): ProgressSnapshot {
    const at = this.now();
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    return this.snapshot();
  }

  setTotal(total: number | null): void {
    this.total = total;
  }

  snapshot(): ProgressSnapshot {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const bytes = last?.bytes ?? 0;
    const elapsedS = first && last ? (last.at - first.at) / 1000 : 0;
    const rate = elapsedS > 0 && first && last ? (last.bytes - first.bytes) / elapsedS : 0;
    const remaining = this.total === null ? null : Math.max(0, this.total - bytes);
    const eta = remaining === null || rate <= 0 ? null : remaining / rate;
    return { bytes, total: this.total, rate_bps: Math.round(rate), eta_s: eta === null ? null : Math.ceil(eta) };
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '--:--';
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

/** One line such as `[#########...........]  45%  12.3 MB/27.1 MB  4.2 MB/s  ETA 00:03  label`. */
export function formatProgressBar(p: ProgressSnapshot, label: string, width = 24): string {
  const fraction = p.total ? Math.min(1, p.bytes / p.total) : 0;
  const filled = Math.round(fraction * width);
  const bar = p.total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]` : `[${'?'.repeat(width)}]`;
  const percent = p.total ? `${String(Math.floor(fraction * 100)).padStart(3)}%` : '  ?%';
  const size = p.total ? `${formatBytes(p.bytes)}/${formatBytes(p.total)}` : formatBytes(p.bytes);
  return `${bar} ${percent}  ${size}  ${formatBytes(p.rate_bps)}/s  ETA ${formatEta(p.eta_s)}  ${label}`;
}
