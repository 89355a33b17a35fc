import type { TurnAnswer } from '../engine/listening/turn.ts';
import { mayChange, mayRing } from './policy.ts';
import type { TimerService } from './timer-service.ts';
import type { TimerKind } from './types.ts';
import { LIST_MAX, reply, type Call } from './voice-call.ts';

/**
 * "Cancel all (timers)": whatever rings is silenced first (the user wants quiet, and a ringing
 * item is described badly as "0 seconds left"), then every item of that kind the speaker may
 * change is cancelled. The reply says how many went; with something ringing, only the count,
 * since the ringing one needs no description.
 */
export function cancelAll(service: TimerService, kind: TimerKind | null, call: Call): TurnAnswer {
  const { speech, actor } = call;
  const silenced = service.isRinging && mayRing(actor) ? service.stopRinging('voice') : [];
  // A recurring alarm that was ringing is rescheduled by the stop, and is cancelled here too when its kind was named.
  const items = service.list().filter((i) => kind === null || i.kind === kind);
  const allowed = items.filter((i) => mayChange(actor, i));
  if (silenced.length === 0) {
    // Nothing set at all: say so, rather than "I couldn't find that".
    if (items.length === 0) return reply('timer_cancel_all', speech.say(service.list().length === 0 ? 'list_none' : 'not_found'));
    if (allowed.length === 0) return reply('timer_cancel_all', speech.say('not_allowed', { name: items[0]!.owner_name ?? '' }));
  }
  for (const item of allowed) service.cancel(item.id);
  const count = new Set([...silenced, ...allowed].map((i) => i.id)).size;
  if (silenced.length > 0 || allowed.length > LIST_MAX) return reply('timer_cancel_all', speech.say('cancelled_many', { count: String(count) }));
  return reply('timer_cancel_all', speech.say('cancelled_all', { items: speech.list(allowed.map((i) => speech.describe(i, call.now))) }));
}
