import { PRIORITIES, type Priority, type SpeakerRole } from '../contract/api.ts';

export type { SpeakerRole };

/** A voice as the role decision sees it: a stored record (`is_blocked`) or an identified speaker (`blocked`). */
export interface RoleHolder {
  priority: Priority;
  is_blocked?: boolean;
  blocked?: boolean;
}

/** The one place that says whether a voice is blocked: its blocked flag, or the blocked priority. */
export function isBlocked(speaker: RoleHolder): boolean {
  return speaker.is_blocked === true || speaker.blocked === true || speaker.priority === PRIORITIES.blocked;
}

/** The role of a known voice (null: an unknown voice). */
export function roleOf(speaker: RoleHolder | null): SpeakerRole {
  if (!speaker) return 'unknown';
  if (isBlocked(speaker)) return 'blocked';
  if (speaker.priority === PRIORITIES.owner) return 'owner';
  return speaker.priority === PRIORITIES.friend ? 'friend' : 'guest';
}

export const isOwner = (speaker: RoleHolder | null): boolean => roleOf(speaker) === 'owner';

/**
 * An open household: no owner is enrolled yet. Until the first owner is, every voice may change how
 * Kiwi behaves (soul, language) as the owner could, so a home that has not set up voices can use it.
 */
export const isHouseholdOpen = (speakers: readonly RoleHolder[]): boolean => !speakers.some(isOwner);
