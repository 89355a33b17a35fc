import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../main/contract/events.ts';
import { foldDownload } from './downloads.ts';

const ev = (event: EventEnvelope['event'], data: Record<string, unknown>): EventEnvelope => ({ event, data, timestamp: '2026-01-01T00:00:00.000Z', source: 'models' });

describe('download progress from MODEL_DOWNLOAD_* events', () => {
  it('follows a download from start to completion', () => {
    let d = foldDownload({}, ev('MODEL_DOWNLOAD_STARTED', { id: 'm', bytes: 0, total: 1000 }));
    expect(d.m).toMatchObject({ phase: 'running', bytes: 0, total: 1000 });
    d = foldDownload(d, ev('MODEL_DOWNLOAD_PROGRESS', { id: 'm', file: 'a.onnx', bytes: 400, total: 1000, rate_bps: 200, eta_s: 3 }));
    expect(d.m).toMatchObject({ phase: 'running', file: 'a.onnx', bytes: 400, rateBps: 200, etaS: 3 });
    d = foldDownload(d, ev('MODEL_DOWNLOAD_COMPLETED', { id: 'm', bytes: 1000, total: 1000, path: '/x' }));
    expect(d.m).toMatchObject({ phase: 'done', bytes: 1000 });
  });

  it('keeps the reason of a failure, and a restart clears it', () => {
    let d = foldDownload({}, ev('MODEL_DOWNLOAD_FAILED', { id: 'm', error: 'checksum mismatch' }));
    expect(d.m).toMatchObject({ phase: 'failed', error: 'checksum mismatch' });
    d = foldDownload(d, ev('MODEL_DOWNLOAD_STARTED', { id: 'm', total: null }));
    expect(d.m).toMatchObject({ phase: 'running', error: null, total: null });
  });

  it('ignores other events and events without a model id', () => {
    const before = {};
    expect(foldDownload(before, ev('STATE_CHANGED', { id: 'm' }))).toBe(before);
    expect(foldDownload(before, ev('MODEL_DOWNLOAD_PROGRESS', { bytes: 3 }))).toBe(before);
  });
});
