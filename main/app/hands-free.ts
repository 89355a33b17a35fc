import type { ConfigService } from '../config/config-service.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { OwnerHandsFree } from '../engine/listening/hands-free.ts';
import type { Clock } from '../platform/clock.ts';
import { isHouseholdOpen } from '../speakers/roles.ts';
import type { Store } from '../store/store.ts';

/** Profile changes that can make or unmake the owner (SPEAKER_IDENTIFIED, per utterance, cannot). */
const PROFILE_EVENTS = new Set(['SPEAKER_ADDED', 'SPEAKER_UPDATED', 'SPEAKER_DELETED', 'SPEAKER_BLOCKED', 'SPEAKER_UNBLOCKED']);

/**
 * Owner hands-free for a runtime: its settings from config, "is there an owner" from the store,
 * HANDS_FREE_CHANGED on the bus whenever it turns on or off. `close` stops following.
 */
export function createHandsFree(deps: { config: ConfigService; store: Pick<Store, 'speakers'>; bus: EventBus; clock: Clock }): {
  handsFree: OwnerHandsFree;
  close(): void;
} {
  const { config, store, bus, clock } = deps;
  const handsFree = new OwnerHandsFree({
    settings: () => config.current.voice.owner_hands_free,
    ownerEnrolled: () => !isHouseholdOpen(store.speakers.list()),
    clock,
    changed: (active, reason) => bus.emit('HANDS_FREE_CHANGED', { active, reason }, 'engine'),
  });
  const offProfiles = bus.subscribe((envelope) => {
    if (PROFILE_EVENTS.has(envelope.event)) handsFree.speakersChanged();
  });
  const offConfig = config.onChange((_cfg, _updated, changed) => {
    if (changed.some((p) => p.startsWith('voice.owner_hands_free.'))) handsFree.settingsChanged();
  });
  return {
    handsFree,
    close() {
      offProfiles();
      offConfig();
      handsFree.dispose();
    },
  };
}
