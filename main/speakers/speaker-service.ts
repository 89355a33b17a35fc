import type { Speaker } from '../contract/api.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { conflict, KiwiError, notFound } from '../platform/errors.ts';
import type { SpeakerChanges, SpeakerRecord, Store } from '../store/store.ts';

const OWNER = 0;

export const toApiSpeaker = ({ embedding: _e, created_at: _c, ...speaker }: SpeakerRecord): Speaker => speaker;

/**
 * A name is one person whatever its case ("anna" and "Anna" cannot be told apart by voice), for
 * enrolment and renaming alike: 409 naming who has it. `self` may keep its own name or recase it.
 */
export function refuseTakenName(speakers: readonly SpeakerRecord[], name: string, options: { self?: string; advice?: string } = {}): void {
  const taken = speakers.find((s) => s.id !== options.self && s.name.toLowerCase() === name.toLowerCase());
  if (!taken) return;
  const advice = options.advice ? `; ${options.advice}` : '';
  throw new KiwiError('conflict', `There is already a speaker named ${taken.name} (${taken.id})${advice}`, 409, { speaker_id: taken.id });
}

/** Speaker profiles with their rules: the owner can be neither blocked nor deleted. */
export class SpeakerService {
  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
  ) {}

  list(): Speaker[] {
    return this.store.speakers.list().map(toApiSpeaker);
  }

  update(id: string, changes: Pick<SpeakerChanges, 'name' | 'priority'>): Speaker {
    const current = this.#get(id);
    if (changes.priority !== undefined && current.priority === OWNER) {
      throw conflict(`${current.name} is the owner; the owner's priority cannot change`);
    }
    if (changes.name !== undefined) refuseTakenName(this.store.speakers.list(), changes.name, { self: id });
    const updated = toApiSpeaker(this.store.speakers.update(id, changes) ?? this.#missing(id));
    this.bus.emit('SPEAKER_UPDATED', { speaker: updated }, 'speakers');
    return updated;
  }

  delete(id: string): void {
    const speaker = this.#get(id);
    if (speaker.priority === OWNER) throw conflict(`${speaker.name} is the owner and cannot be deleted`);
    if (!this.store.speakers.delete(id)) this.#missing(id);
    this.bus.emit('SPEAKER_DELETED', { speaker_id: id, name: speaker.name }, 'speakers');
  }

  setBlocked(id: string, blocked: boolean): void {
    const speaker = this.#get(id);
    if (blocked && speaker.priority === OWNER) throw conflict(`${speaker.name} is the owner and cannot be blocked`);
    this.store.speakers.update(id, { is_blocked: blocked });
    this.bus.emit(blocked ? 'SPEAKER_BLOCKED' : 'SPEAKER_UNBLOCKED', { speaker_id: id, name: speaker.name }, 'speakers');
  }

  #get(id: string): SpeakerRecord {
    return this.store.speakers.get(id) ?? this.#missing(id);
  }

  #missing(id: string): never {
    throw notFound('speaker', id);
  }
}
