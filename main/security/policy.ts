import { DEFAULT_CONFIG, type Config } from '../contract/config.ts';
import type { Role } from '../dialogue/commands/types.ts';
import type { Severity } from './severity.ts';

export const DECISIONS = ['allow', 'approve', 'refuse'] as const;
/** allow: goes on to Home Assistant / the LLM; approve: held until the owner approves; refuse: never. */
export type Decision = (typeof DECISIONS)[number];

export type PolicyMatrix = Record<Role, Record<Severity, Decision>>;
/** Config `policy`: `<role>_<severity>` → decision, for every role but blocked. */
export type PolicyConfig = Config['policy'];

/**
 * The defaults (DEFAULT_CONFIG.policy), and why:
 * - owner: everything up to dangerous; critical (doors, alarm, money, wiping disks) still needs a
 *   confirmation, because a voice match can be wrong (a TV, a recording, a similar voice) and these
 *   actions cannot be undone.
 * - friend: everyday and warning-level things; dangerous ones need the owner's approval; critical
 *   ones are refused outright: friends do not open the house or move money.
 * - guest (a voice Kiwi has heard before but nobody vouched for): only safe things alone; warning
 *   needs approval; the rest is refused.
 * - unknown (no voice match): stricter than a guest. An unknown voice is as likely a TV, a radio
 *   or someone outside the window as a visitor, so it cannot even queue approval requests that
 *   would page the owner: only safe things, the rest is refused.
 * - blocked: refused, silently, whatever the config says.
 * Typed turns (POST /api/chat, the dashboard) count as the owner: the API caller is authorised.
 */
export const DEFAULT_POLICY: PolicyConfig = DEFAULT_CONFIG.policy;

/** The decision for a role and severity under a policy (default: the built-in one). */
export function decide(role: Role, severity: Severity, policy: PolicyConfig = DEFAULT_POLICY): Decision {
  if (role === 'blocked') return 'refuse';
  return policy[`${role}_${severity}`];
}

/** The whole matrix in effect, blocked included. */
export function effectivePolicy(policy: PolicyConfig = DEFAULT_POLICY): PolicyMatrix {
  const roles: Role[] = ['owner', 'friend', 'guest', 'unknown', 'blocked'];
  const severities: Severity[] = ['safe', 'warning', 'dangerous', 'critical'];
  return Object.fromEntries(roles.map((role) => [role, Object.fromEntries(severities.map((s) => [s, decide(role, s, policy)]))])) as PolicyMatrix;
}
