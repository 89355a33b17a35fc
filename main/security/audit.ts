import type { AuditEntry } from '../contract/api.ts';

export type { AuditEntry };
export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'time'> & { time?: string };

/** The audit table of the store: every security decision, newest last, pruned to a maximum size. */
export interface AuditStore {
  append(entry: NewAuditEntry): AuditEntry;
  /** Newest first; with `before`, only entries older than that seq (the next page). */
  list(options: { limit: number; before?: number }): AuditEntry[];
  /** Keep only the newest `keep` entries; returns how many were removed. */
  prune(keep: number): number;
}
