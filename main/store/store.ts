import type { Priority, Speaker } from '../contract/api.ts';
import type { TimerStore } from '../timers/types.ts';
import type { AuditStore } from '../security/audit.ts';
import type { TurnStore } from '../history/sqlite-turns.ts';

/** A speaker profile as stored: the API's fields plus the voice print. */
export interface SpeakerRecord extends Speaker {
  /** Mean speaker embedding (unit length), null until the first sample is enrolled. */
  embedding: Float32Array | null;
  created_at: string;
}

export interface NewSpeaker {
  name: string;
  priority: Priority;
  is_blocked?: boolean;
  auto_learned?: boolean;
  embedding?: Float32Array | null;
  sample_count?: number;
}

export type SpeakerChanges = Partial<
  Pick<SpeakerRecord, 'name' | 'priority' | 'is_blocked' | 'auto_learned' | 'sample_count' | 'last_seen' | 'embedding'>
>;

/** A fact a speaker asked Kiwi to remember (main/memory), in their own words. */
export interface FactRecord {
  id: string;
  speaker_id: string;
  text: string;
  created_at: string;
}

/** One message of a stored conversation (a recognised speaker's running LLM history). */
export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * Durable state of a Kiwi process. Calls are synchronous: SQLite answers in microseconds and
 * writes are rare (enrolment, block, settings), so they do not need a worker.
 */
export interface Store {
  speakers: {
    list(): SpeakerRecord[];
    get(id: string): SpeakerRecord | null;
    create(speaker: NewSpeaker): SpeakerRecord;
    /** Returns the updated record, or null when the id is unknown. */
    update(id: string, changes: SpeakerChanges): SpeakerRecord | null;
    /** Returns false when the id is unknown. */
    delete(id: string): boolean;
  };
  /** Per-speaker memory; rows go with their speaker (ON DELETE CASCADE), so deleting a speaker deletes it. */
  memory: {
    /** The speaker's facts, oldest first. */
    facts(speakerId: string): FactRecord[];
    /** Stores a fact; null when the speaker already has one with the same `key` (its normalised text). */
    addFact(speakerId: string, text: string, key: string): FactRecord | null;
    /** Returns false when the speaker has no such fact. */
    deleteFact(speakerId: string, factId: string): boolean;
    /** Deletes every fact of the speaker; returns how many there were. */
    deleteFacts(speakerId: string): number;
  };
  /** Running conversations of recognised speakers, by context key (`spk_001`, `spk_001:nsfw`). */
  conversations: {
    /** The last `limit` messages, oldest first. */
    messages(contextKey: string, limit: number): StoredMessage[];
    /** Appends a message and drops all but the newest `keep` of that conversation. */
    append(contextKey: string, speakerId: string, message: StoredMessage, keep: number): void;
    /** Deletes one conversation, or every conversation; returns how many messages went. */
    clear(contextKey?: string): number;
  };
  settings: {
    get(key: string): string | null;
    set(key: string, value: string): void;
  };
  /** Timers, alarms and reminders (main/timers). */
  timers: TimerStore;
  /** Conversation history (main/history): finished turns, bounded, deleted with their speaker. */
  turns: TurnStore;
  /** Voice security's audit log: every allow / approve / refuse decision and how approvals ended. */
  audit: AuditStore;
  close(): void;
}
