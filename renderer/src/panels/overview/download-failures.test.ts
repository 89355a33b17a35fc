import { describe, expect, it } from 'vitest';
import { downloadFailures } from './download-failures.ts';

describe('downloadFailures', () => {
  it('says nothing when nothing failed', () => {
    expect(downloadFailures([])).toBeNull();
  });

  it('names the one part that failed, with its error', () => {
    expect(downloadFailures([{ purpose: 'voice', error: 'connection refused' }])).toBe('The voice download failed: connection refused');
  });

  it('says a shared error once, after the parts it stopped', () => {
    const offline = ['speech detector', 'speech recogniser', 'voice'].map((purpose) => ({ purpose, error: 'connection refused' }));
    expect(downloadFailures(offline)).toBe('3 downloads failed (speech detector, speech recogniser, voice): connection refused');
  });

  it('gives each part its own error when they differ', () => {
    const failed = [
      { purpose: 'speech detector', error: 'checksum mismatch' },
      { purpose: 'voice', error: 'connection refused' },
    ];
    expect(downloadFailures(failed)).toBe('2 downloads failed: speech detector: checksum mismatch; voice: connection refused');
  });
});
