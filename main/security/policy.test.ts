import { describe, expect, it } from 'vitest';
import { ConfigPatchSchema, ConfigSchema, DEFAULT_CONFIG } from '../contract/config.ts';
import type { Role } from '../dialogue/commands/types.ts';
import { decide, effectivePolicy, type Decision } from './policy.ts';
import { SEVERITIES, type Severity } from './severity.ts';

/** The default matrix, spelled out: role × severity. */
const EXPECTED: Array<[Role, Severity, Decision]> = [
  ['owner', 'safe', 'allow'],
  ['owner', 'warning', 'allow'],
  ['owner', 'dangerous', 'allow'],
  ['owner', 'critical', 'approve'],
  ['friend', 'safe', 'allow'],
  ['friend', 'warning', 'allow'],
  ['friend', 'dangerous', 'approve'],
  ['friend', 'critical', 'refuse'],
  ['guest', 'safe', 'allow'],
  ['guest', 'warning', 'approve'],
  ['guest', 'dangerous', 'refuse'],
  ['guest', 'critical', 'refuse'],
  ['unknown', 'safe', 'allow'],
  ['unknown', 'warning', 'refuse'],
  ['unknown', 'dangerous', 'refuse'],
  ['unknown', 'critical', 'refuse'],
  ['blocked', 'safe', 'refuse'],
  ['blocked', 'warning', 'refuse'],
  ['blocked', 'dangerous', 'refuse'],
  ['blocked', 'critical', 'refuse'],
];

describe('policy matrix', () => {
  it.each(EXPECTED)('%s × %s → %s', (role, severity, decision) => {
    expect(decide(role, severity)).toBe(decision);
  });

  it('covers every role and severity', () => {
    expect(EXPECTED).toHaveLength(5 * SEVERITIES.length);
    expect(Object.keys(DEFAULT_CONFIG.policy)).toHaveLength(4 * SEVERITIES.length); // blocked has no row: always refused
  });

  it('never gets more permissive for a less trusted role', () => {
    const rank: Record<Decision, number> = { allow: 0, approve: 1, refuse: 2 };
    const order: Role[] = ['owner', 'friend', 'guest', 'unknown', 'blocked'];
    for (const severity of SEVERITIES) {
      for (let i = 1; i < order.length; i++) {
        expect(rank[decide(order[i]!, severity)], `${order[i]} vs ${order[i - 1]} at ${severity}`).toBeGreaterThanOrEqual(rank[decide(order[i - 1]!, severity)]);
      }
    }
  });

  it('follows the config cell by cell', () => {
    const policy = { ...DEFAULT_CONFIG.policy, friend_dangerous: 'refuse' as const, owner_critical: 'allow' as const };
    expect(decide('friend', 'dangerous', policy)).toBe('refuse');
    expect(decide('friend', 'warning', policy)).toBe('allow');
    expect(decide('owner', 'critical', policy)).toBe('allow');
    expect(effectivePolicy(policy).guest).toEqual(effectivePolicy().guest);
  });

  it('refuses blocked voices whatever the config says (there is no blocked key to change)', () => {
    expect(ConfigPatchSchema.safeParse({ policy: { blocked_safe: 'allow' } }).success).toBe(false);
    expect(decide('blocked', 'safe', { ...DEFAULT_CONFIG.policy, blocked_safe: 'allow' } as never)).toBe('refuse');
  });

  it('rejects unknown decisions and keys, and accepts a partial PATCH', () => {
    expect(ConfigPatchSchema.safeParse({ policy: { guest_safe: 'maybe' } }).success).toBe(false);
    expect(ConfigPatchSchema.safeParse({ policy: { guest_harmless: 'allow' } }).success).toBe(false);
    expect(ConfigPatchSchema.safeParse({ policy: { guest_warning: 'refuse' } }).success).toBe(true);
    expect(ConfigSchema.safeParse(DEFAULT_CONFIG).success).toBe(true);
  });
});
