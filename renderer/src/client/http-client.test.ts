import { describe, expect, it } from 'vitest';
import { fillPath, sessionLost, unreachable } from './http-client.ts';
import { KiwiApiError, errorText } from './kiwi-client.ts';

describe('fillPath', () => {
  it('fills and encodes path parameters of the contract', () => {
    expect(fillPath('/api/speakers/{speaker_id}/block', { speaker_id: 'spk_001' })).toBe('/api/speakers/spk_001/block');
    expect(fillPath('/api/models/{id}/download', { id: 'a/b c' })).toBe('/api/models/a%2Fb%20c/download');
  });

  it('refuses to call a route with a missing parameter', () => {
    expect(() => fillPath('/api/speakers/{speaker_id}', {})).toThrow(/speaker_id/);
  });
});

describe('when Kiwi does not answer', () => {
  it('says so in words, keeping what the browser said', () => {
    const err = unreachable(new TypeError('Failed to fetch'));
    expect(err).toBeInstanceOf(KiwiApiError);
    expect(err.code).toBe('kiwi_unreachable');
    expect(errorText(err)).toBe('Kiwi is not answering: it may be stopped or restarting (Failed to fetch) (kiwi_unreachable)');
  });

  it('a refused event stream counts as a lost session only when Kiwi says this browser has no scopes left', async () => {
    expect(await sessionLost(async () => ({ auth_enabled: true, scopes: [] }))).toBe(true);
    expect(await sessionLost(async () => ({ auth_enabled: true, scopes: ['read'] }))).toBe(false);
    expect(await sessionLost(async () => ({ auth_enabled: false, scopes: [] }))).toBe(false);
    expect(await sessionLost(() => Promise.reject(unreachable(new TypeError('Failed to fetch'))))).toBe(false);
  });
});
