import { formatMs, waterfall } from './waterfall.ts';

/**
 * A turn's latency as CSS bars, one row per step, on one time axis. The bars are decoration: each
 * row also says its times in words, so a screen reader gets the same numbers.
 */
export function LatencyWaterfall({ timings, firstTokenMs, voice, open }: { timings: Record<string, number>; firstTokenMs: number | null; voice: boolean; open: boolean }) {
  const chart = waterfall(timings, firstTokenMs, voice);
  if (!chart) return null;
  const firstAudio = timings.first_audio;
  const total = timings.total;
  const summary = [firstAudio !== undefined && `first audio ${formatMs(firstAudio)}`, total !== undefined && `total ${formatMs(total)}`].filter(Boolean).join(' · ');
  return (
    <details className="waterfall" open={open} data-testid="waterfall">
      <summary>Latency{summary ? `: ${summary}` : ''}</summary>
      <p className="muted small">from {chart.origin}</p>
      <ol>
        {chart.rows.map((row) => (
          <li key={row.key} data-step={row.key}>
            <span className="wf-label">{row.label}</span>
            <span className="wf-track" aria-hidden="true">
              <span
                className={`wf-bar wf-${row.key}`}
                style={{ left: `${(row.start / chart.span) * 100}%`, width: `${Math.max(((row.end - row.start) / chart.span) * 100, 0.5)}%` }}
              />
            </span>
            <span className="wf-value">
              {row.approximate ? '≈ ' : ''}
              {formatMs(row.end)}
              {row.start > 0 && <span className="muted"> (+{formatMs(row.end - row.start)})</span>}
            </span>
          </li>
        ))}
      </ol>
      {firstTokenMs !== null && <p className="muted small">≈ first token: counted from the LLM request, placed after the transcript.</p>}
    </details>
  );
}
