import type { TurnRequest } from '../../engine/listening/turn.ts';
import { roleOf as roleOfSpeaker } from '../../speakers/roles.ts';
import type { CommandName } from './matcher.ts';
import type { Refusal, Role } from './types.ts';

/** The source of typed turns (POST /api/chat, the dashboard). */
export const TYPED_SOURCE = 'text';

/**
 * Whose conversation a turn without a known voice is in: typed turns (the dashboard, POST
 * /api/chat) have their own, `typed`; unknown voices share `guest`. Typed turns act with the
 * owner's rights, so a stranger's voice must not be able to ask the LLM what was typed.
 */
export function anonymousKey(request: Partial<Pick<TurnRequest, 'source'>>): string {
  return request.source === TYPED_SOURCE ? 'typed' : 'guest';
}

const RANK: Record<Role, number> = { blocked: -1, unknown: 0, guest: 1, friend: 2, owner: 3 };

/**
 * The least a speaker must be for each command. Reading things anyone may hear (time, "who am I")
 * and stopping Kiwi are open to anyone; changing how Kiwi behaves needs a known friend; changing
 * who Kiwi listens to needs the owner. Enrolling your own voice has its own rules (voice-commands.ts).
 */
export const REQUIRED_ROLE: Record<CommandName, Role> = {
  stop: 'unknown',
  reset_context: 'unknown',
  time: 'unknown',
  date: 'unknown',
  who_is_speaking: 'unknown',
  list_voices: 'friend',
  enroll_owner: 'unknown',
  enroll_friend: 'unknown',
  enroll_guest: 'unknown',
  block_voice: 'owner',
  unblock_voice: 'owner',
  forget_voice: 'owner',
  switch_language: 'friend',
  switch_soul: 'friend',
  list_souls: 'friend',
};

export function roleOf(request: Pick<TurnRequest, 'speaker' | 'source'>, typedRole: Role = 'owner'): Role {
  const { speaker } = request;
  if (!speaker) return request.source === TYPED_SOURCE ? typedRole : 'unknown';
  return roleOfSpeaker(speaker);
}

/** Commands that change how Kiwi behaves (and the list of what they can change to): open to all in an open household. */
const HOUSEHOLD_COMMANDS: ReadonlySet<CommandName> = new Set(['switch_soul', 'switch_language', 'list_souls']);

/**
 * The role a command is judged by. While the household is open (no owner enrolled, see
 * isHouseholdOpen) anyone may change how Kiwi behaves as the owner could; blocked voices stay
 * blocked, and who Kiwi listens to (enrolling, blocking, forgetting) keeps its own rules.
 */
export function commandRole(command: CommandName, role: Role, householdOpen: boolean): Role {
  if (role === 'blocked' || !householdOpen || !HOUSEHOLD_COMMANDS.has(command)) return role;
  return 'owner';
}

export const atLeast = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** Null when allowed; otherwise why not. A blocked voice is refused everything, silently. */
export function refusalFor(command: CommandName, role: Role): Refusal | null {
  if (role === 'blocked') return 'blocked';
  const needed = REQUIRED_ROLE[command];
  if (atLeast(role, needed)) return null;
  return needed === 'owner' ? 'owner_only' : 'friends_only';
}
