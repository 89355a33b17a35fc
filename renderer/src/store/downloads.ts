import type { EventEnvelope } from '../../../main/contract/events.ts';

/** The progress of one model download as the MODEL_DOWNLOAD_* events tell it. */
export interface DownloadProgress {
  phase: 'running' | 'done' | 'failed';
  file: string | null;
  bytes: number;
  total: number | null;
  rateBps: number;
  etaS: number | null;
  error: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Fold one event into the map of downloads by model id; other events leave it as it is. */
export function foldDownload(downloads: Record<string, DownloadProgress>, event: EventEnvelope): Record<string, DownloadProgress> {
  if (!event.event.startsWith('MODEL_DOWNLOAD_')) return downloads;
  const id = str(event.data.id);
  if (!id) return downloads;
  const before: DownloadProgress = downloads[id] ?? { phase: 'running', file: null, bytes: 0, total: null, rateBps: 0, etaS: null, error: null };
  const d = event.data;
  const next: DownloadProgress = {
    ...before,
    file: str(d.file) ?? before.file,
    bytes: num(d.bytes) ?? before.bytes,
    total: d.total === undefined ? before.total : num(d.total),
    rateBps: num(d.rate_bps) ?? before.rateBps,
    etaS: d.eta_s === undefined ? before.etaS : num(d.eta_s),
  };
  if (event.event === 'MODEL_DOWNLOAD_STARTED') Object.assign(next, { phase: 'running', error: null, bytes: 0 });
  if (event.event === 'MODEL_DOWNLOAD_COMPLETED') Object.assign(next, { phase: 'done', etaS: 0 });
  if (event.event === 'MODEL_DOWNLOAD_FAILED') Object.assign(next, { phase: 'failed', error: str(d.error) ?? 'download failed' });
  return { ...downloads, [id]: next };
}
