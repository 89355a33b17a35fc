/** Timers, alarms and reminders as Kiwi keeps them. */

export const TIMER_KINDS = ['timer', 'alarm', 'reminder'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** scheduled: waiting for next_at; ringing: firing now; snoozed: waiting again, for next_at. */
export type TimerState = 'scheduled' | 'ringing' | 'snoozed';

export interface TimerItem {
  /** tmr_001, ... (never reused). */
  id: string;
  kind: TimerKind;
  /** "pasta" in "a timer for the pasta"; null when none was given. */
  label: string | null;
  /** What a reminder is about ("call Anna"); null for timers and alarms. */
  task: string | null;
  /** The speaker who set it (null: an unknown voice, or the API without a speaker). */
  owner_id: string | null;
  owner_name: string | null;
  /** The language it was set in. */
  language: string;
  state: TimerState;
  /** When it is (or was) due, UTC ms: the end of a timer, the occurrence of an alarm or reminder. */
  due_at: number;
  /** When it rings next, UTC ms: due_at, or the end of a snooze. */
  next_at: number;
  /** A timer's length in ms (null for alarms and reminders). */
  duration_ms: number | null;
  /** Wall-clock time of an alarm or reminder set for a time of day ("07:30"), in the configured zone. */
  clock: string | null;
  /** Weekdays it repeats on (0 Sunday ... 6 Saturday); empty: once. */
  days: number[];
  /** When it started ringing (UTC ms), while ringing. */
  ringing_since: number | null;
  created_at: number;
  updated_at: number;
}

export type NewTimerItem = Omit<TimerItem, 'id' | 'created_at' | 'updated_at' | 'ringing_since' | 'state'> & { state?: TimerState };

/** An item as the service is asked to set it (by voice or API): what the store makes of it is a TimerItem. */
export interface NewItem {
  kind: TimerKind;
  label?: string | null;
  task?: string | null;
  owner?: { id: string; name: string } | null;
  language: string;
  due_at: number;
  duration_ms?: number | null;
  clock?: string | null;
  days?: number[];
}

export type TimerChanges = Partial<Pick<TimerItem, 'label' | 'task' | 'language' | 'state' | 'due_at' | 'next_at' | 'duration_ms' | 'clock' | 'days' | 'ringing_since'>>;

/** Durable storage of the items (SQLite in Kiwi: main/timers/sqlite-timers.ts). */
export interface TimerStore {
  list(): TimerItem[];
  get(id: string): TimerItem | null;
  create(item: NewTimerItem, now: number): TimerItem;
  /** The updated item, or null when the id is unknown. */
  update(id: string, changes: TimerChanges, now: number): TimerItem | null;
  delete(id: string): boolean;
}

export const isRecurring = (item: Pick<TimerItem, 'days'>): boolean => item.days.length > 0;

/** Who stopped a ringing item. */
export type StopReason = 'voice' | 'api' | 'timeout';
