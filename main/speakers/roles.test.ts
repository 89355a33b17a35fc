import { describe, expect, it } from 'vitest';
import { isBlocked, isOwner, roleOf } from './roles.ts';

describe('speaker roles', () => {
  it('gives each priority its role, and an unknown voice the unknown role', () => {
    expect(roleOf({ priority: 0 })).toBe('owner');
    expect(roleOf({ priority: 1 })).toBe('friend');
    expect(roleOf({ priority: 2 })).toBe('guest');
    expect(roleOf(null)).toBe('unknown');
  });

  it('treats the blocked flag and the blocked priority alike, for records and identified speakers', () => {
    for (const voice of [{ priority: 2 as const, is_blocked: true }, { priority: 1 as const, blocked: true }, { priority: 99 as const }]) {
      expect(isBlocked(voice)).toBe(true);
      expect(roleOf(voice)).toBe('blocked');
    }
    expect(isBlocked({ priority: 2, is_blocked: false, blocked: false })).toBe(false);
    expect(isOwner({ priority: 0, is_blocked: true })).toBe(false);
  });
});
