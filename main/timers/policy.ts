import type { Role } from '../dialogue/commands/types.ts';
import type { TimerItem } from './types.ts';

/** Who is asking: their role (main/dialogue/commands/permissions.ts) and speaker id. */
export interface Actor {
  role: Role;
  speakerId: string | null;
}

/** The API: its caller already holds the 'control' scope, which covers everyone's items. */
export const API_ACTOR: Actor = { role: 'owner', speakerId: null };

/**
 * The speaker policy for items: everyone except blocked voices may set them; each belongs to the
 * speaker who set it; only that speaker or the owner may cancel or change it. Items set by an
 * unknown voice or without one (the API) belong to nobody, so anyone may cancel them. Stopping
 * or snoozing what is ringing is open to everyone in the room.
 */
export function mayChange(actor: Actor, item: Pick<TimerItem, 'owner_id'>): boolean {
  if (actor.role === 'blocked') return false;
  if (actor.role === 'owner') return true;
  if (item.owner_id === null) return true;
  return actor.speakerId === item.owner_id;
}

export const mayRing = (actor: Actor): boolean => actor.role !== 'blocked';
