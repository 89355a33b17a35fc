import type { Priority, Speaker } from '../contract/api.ts';

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
  settings: {
    get(key: string): string | null;
    set(key: string, value: string): void;
  };
  close(): void;
}
