import type Database from 'libsql';
import type { AuditEntry } from '../contract/api.ts';
import type { AuditStore, NewAuditEntry } from './audit.ts';

/** The audit table, added as one schema migration of the SQLite store (main/store/sqlite-store.ts). */
export const AUDIT_MIGRATION = `CREATE TABLE IF NOT EXISTS audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     time TEXT NOT NULL,
     outcome TEXT NOT NULL CHECK (outcome IN ('allow', 'approve', 'refuse', 'approved', 'denied', 'expired')),
     speaker_id TEXT,
     speaker_name TEXT,
     role TEXT NOT NULL,
     source TEXT NOT NULL,
     text TEXT NOT NULL,
     language TEXT NOT NULL,
     severity TEXT NOT NULL,
     rule TEXT,
     approval_id TEXT,
     resolved_by TEXT
   );
   CREATE INDEX IF NOT EXISTS audit_log_approval ON audit_log (approval_id);`;

const COLUMNS = ['time', 'outcome', 'speaker_id', 'speaker_name', 'role', 'source', 'text', 'language', 'severity', 'rule', 'approval_id', 'resolved_by'] as const;

export function sqliteAudit(db: Database.Database): AuditStore {
  const insert = db.prepare(`INSERT INTO audit_log (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const byId = db.prepare('SELECT * FROM audit_log WHERE seq = ?');
  const newest = db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?');
  const older = db.prepare('SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?');
  return {
    append(entry: NewAuditEntry): AuditEntry {
      const row = { ...entry, time: entry.time ?? new Date().toISOString() };
      const { lastInsertRowid } = insert.run(...COLUMNS.map((c) => row[c]));
      return byId.get(lastInsertRowid) as AuditEntry;
    },
    list: ({ limit, before }) => (before === undefined ? newest.all(limit) : older.all(before, limit)) as AuditEntry[],
    prune: (keep) => db.prepare('DELETE FROM audit_log WHERE seq <= (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1 OFFSET ?)').run(keep).changes,
  };
}
