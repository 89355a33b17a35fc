import { PRIORITIES, type Speaker } from '../contract/api.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { conflict, KiwiError, notFound } from '../platform/errors.ts';
import type { SpeakerChanges, SpeakerRecord, Store } from '../store/store.ts';

const OWNER = PRIORITIES.owner;

export const toApiSpeaker = ({ embedding: _e, created_at: _c, ...speaker }: SpeakerRecord): Speaker => speaker;

/** Control characters (NUL, newlines, escapes) and the bidirectional overrides that make a name read as something else. */
const UNSAFE_NAME = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
export const MAX_NAME_CHARS = 64;

/**
 * A speaker's name as it is stored: trimmed and in Unicode NFC (so "Zoë" typed two ways is one
 * name). 400 for an empty or too long name, or one with control characters: the store would cut
 * a name at a NUL, and a line break or a direction override is never part of a name.
 */
export function speakerName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0 || name.length > MAX_NAME_CHARS) throw new KiwiError('invalid_request', `name must be 1 to ${MAX_NAME_CHARS} characters`, 400);
  if (UNSAFE_NAME.test(name)) throw new KiwiError('invalid_request', 'name must not contain control characters (line breaks, NUL, direction overrides)', 400);
  return name;
}

/**
 * A name is one person whatever its case ("anna" and "Anna" cannot be told apart by voice), for
 * enrolment and renaming alike: 409 naming who has it. `self` may keep its own name or recase it.
 */
export function refuseTakenName(speakers: readonly SpeakerRecord[], name: string, options: { self?: string; advice?: string } = {}): void {
  const key = name.normalize('NFC').toLowerCase();
  const taken = speakers.find((s) => s.id !== options.self && s.name.normalize('NFC').toLowerCase() === key);
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

  /**
   * Rename, or change the priority. Priority 0 hands the owner role over: the owner until now
   * becomes a friend (there is one owner, and a household that enrolled the wrong voice as its
   * owner must be able to fix it). The owner's own priority changes only that way.
   */
  update(id: string, changes: Pick<SpeakerChanges, 'name' | 'priority'>): Speaker {
    const current = this.#get(id);
    const promote = changes.priority === OWNER && current.priority !== OWNER;
    if (changes.priority !== undefined && changes.priority !== OWNER && current.priority === OWNER) {
      throw conflict(`${current.name} is the owner; to change that, make another speaker the owner (priority 0)`);
    }
    if (promote && current.is_blocked) throw conflict(`${current.name} is blocked; unblock them before making them the owner`);
    const name = changes.name === undefined ? undefined : speakerName(changes.name);
    if (name !== undefined) refuseTakenName(this.store.speakers.list(), name, { self: id });
    // The old owner steps down first: a crash between the two writes leaves no owner (an open household), never two.
    const former = promote ? this.store.speakers.list().find((s) => s.priority === OWNER && s.id !== id) : undefined;
    const demoted = former ? this.store.speakers.update(former.id, { priority: PRIORITIES.friend }) : null;
    const updated = toApiSpeaker(this.store.speakers.update(id, { ...changes, name }) ?? this.#missing(id));
    if (demoted) this.bus.emit('SPEAKER_UPDATED', { speaker: toApiSpeaker(demoted) }, 'speakers');
    this.bus.emit('SPEAKER_UPDATED', { speaker: updated }, 'speakers');
    return updated;
  }

  delete(id: string): void {
    const speaker = this.#get(id);
    if (speaker.priority === OWNER) throw conflict(`${speaker.name} is the owner and cannot be deleted; make another speaker the owner first (priority 0)`);
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
