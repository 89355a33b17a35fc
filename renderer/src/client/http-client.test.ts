import { describe, expect, it } from 'vitest';
import { fillPath } from './http-client.ts';

describe('fillPath', () => {
  it('fills and encodes path parameters of the contract', () => {
    expect(fillPath('/api/speakers/{speaker_id}/block', { speaker_id: 'spk_001' })).toBe('/api/speakers/spk_001/block');
    expect(fillPath('/api/models/{id}/download', { id: 'a/b c' })).toBe('/api/models/a%2Fb%20c/download');
  });

  it('refuses to call a route with a missing parameter', () => {
    expect(() => fillPath('/api/speakers/{speaker_id}', {})).toThrow(/speaker_id/);
  });
});
