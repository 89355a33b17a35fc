import { PRIORITIES } from '../../contract/api.ts';
import type { Config } from '../../contract/config.ts';
import type { EventData } from '../../contract/events.ts';
import type { Clock } from '../../platform/clock.ts';
import type { IdentifiedSpeaker } from './turn.ts';

export type HandsFreeReason = EventData<'HANDS_FREE_CHANGED'>['reason'];

/** What the voice loop asks of hands-free mode. */
export interface HandsFreeGate {
  /** On in config and an owner is enrolled: every utterance is worth identifying. */
  readonly enabled: boolean;
  /** The owner may speak without the wake word now. */
  readonly active: boolean;
  /** A voice was heard (null: an unknown one); any voice but the owner's closes hands-free for the cooldown. */
  heard(speaker: IdentifiedSpeaker | null): void;
  /** Whether this voice may go on without the wake word now. */
  allows(speaker: IdentifiedSpeaker | null): boolean;
}

export interface HandsFreeDeps {
  settings: () => Config['voice']['owner_hands_free'];
  /** Without an enrolled owner nobody is hands-free. */
  ownerEnrolled: () => boolean;
  clock: Clock;
  /** Called when `active` changes, with why. */
  changed: (active: boolean, reason: HandsFreeReason) => void;
}

const isOwnerVoice = (speaker: IdentifiedSpeaker | null) => speaker !== null && !speaker.blocked && speaker.priority === PRIORITIES.owner;

/**
 * Owner hands-free (voice.owner_hands_free, Kiwi Voice had it): the enrolled owner talks to Kiwi
 * without the wake word while no other voice (unknown, a friend, a guest, a blocked one) has spoken
 * for guest_cooldown_s. A visitor in the room brings the wake word back at once, for everyone.
 * It outlives engine rebuilds (the runtime owns it); time comes from the injected clock.
 */
export class OwnerHandsFree implements HandsFreeGate {
  #lastOther = Number.NEGATIVE_INFINITY;
  #reported: boolean;
  #cancelTimer: (() => void) | null = null;

  constructor(private readonly deps: HandsFreeDeps) {
    this.#reported = this.active;
  }

  get enabled(): boolean {
    return this.deps.settings().enabled && this.deps.ownerEnrolled();
  }

  get active(): boolean {
    return this.enabled && this.deps.clock.now() - this.#lastOther >= this.#cooldownMs();
  }

  heard(speaker: IdentifiedSpeaker | null): void {
    if (isOwnerVoice(speaker)) return;
    this.#lastOther = this.deps.clock.now();
    this.#refresh('other_voice');
  }

  allows(speaker: IdentifiedSpeaker | null): boolean {
    return isOwnerVoice(speaker) && this.active;
  }

  /** voice.owner_hands_free changed. */
  settingsChanged(): void {
    this.#refresh(this.deps.settings().enabled ? 'enabled' : 'disabled');
  }

  /** A profile was added, changed or deleted: the owner may have come or gone. */
  speakersChanged(): void {
    this.#refresh(this.deps.ownerEnrolled() ? 'owner_enrolled' : 'no_owner');
  }

  /** Report a change of `active`, and wake up when the cooldown after the last other voice runs out. */
  #refresh(reason: HandsFreeReason): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    const active = this.active;
    if (active !== this.#reported) {
      this.#reported = active;
      this.deps.changed(active, reason);
    }
    if (!active && this.enabled) {
      const left = this.#lastOther + this.#cooldownMs() - this.deps.clock.now();
      this.#cancelTimer = this.deps.clock.setTimer(() => this.#refresh('quiet'), left);
    }
  }

  dispose(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
  }

  #cooldownMs(): number {
    return this.deps.settings().guest_cooldown_s * 1000;
  }
}
