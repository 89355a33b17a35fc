import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { storageError, transaction } from './sqlite-transaction.ts';
import { KiwiError } from '../platform/errors.ts';
import type { FactRecord, NewSpeaker, SpeakerChanges, SpeakerRecord, Store, StoredMessage } from './store.ts';
import type { Priority } from '../contract/api.ts';
import { TIMERS_MIGRATION, sqliteTimers } from '../timers/sqlite-timers.ts';
import { AUDIT_MIGRATION, sqliteAudit } from '../security/sqlite-audit.ts';
import { TURNS_MIGRATION, sqliteTurns } from '../history/sqlite-turns.ts';

/** Schema versions, applied in order inside a transaction; PRAGMA user_version records progress. */
const MIGRATIONS = [
  `CREATE TABLE speakers (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     priority INTEGER NOT NULL,
     is_blocked INTEGER NOT NULL DEFAULT 0,
     auto_learned INTEGER NOT NULL DEFAULT 0,
     sample_count INTEGER NOT NULL DEFAULT 0,
     last_seen TEXT,
     embedding BLOB,
     created_at TEXT NOT NULL
   );
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Memory per speaker (main/memory): deleting a speaker deletes their facts and conversations.
  `CREATE TABLE memory_facts (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE ON UPDATE CASCADE,
     text TEXT NOT NULL,
     norm TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (speaker_id, norm)
   );
   CREATE TABLE conversation_messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     context_key TEXT NOT NULL,
     speaker_id TEXT NOT NULL REFERENCES speakers(id) ON DELETE CASCADE ON UPDATE CASCADE,
     role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
     content TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   CREATE INDEX conversation_messages_key ON conversation_messages (context_key, seq);`,
  // Voice security's audit log (main/security).
  AUDIT_MIGRATION,
  // Timers, alarms and reminders (main/timers).
  TIMERS_MIGRATION,
  // Conversation history (main/history).
  TURNS_MIGRATION,
];

/** The schema version a store opened by this build is at. */
export const SCHEMA_VERSION = MIGRATIONS.length;

interface SpeakerRow {
  seq: number;
  id: string;
  name: string;
  priority: number;
  is_blocked: number;
  auto_learned: number;
  sample_count: number;
  last_seen: string | null;
  embedding: Uint8Array | null;
  created_at: string;
}

/** ISO-8601 in UTC with an explicit offset, readable by every ISO parser (Python's fromisoformat included). */
export const isoSeconds = (date: Date = new Date()): string => `${date.toISOString().slice(0, 19)}+00:00`;

/**
 * How long a statement waits for another connection's write (the `kiwi` CLI beside a running
 * server, a backup tool) before it fails with SQLITE_BUSY. libsql's default is 0: fail at once.
 */
export const BUSY_TIMEOUT_MS = 5_000;

/** SQLite through libsql (Node-API: one binary for Node 20 and Electron), WAL mode, FULL sync, a busy timeout. */
export function openSqliteStore(file: string, options: { busyTimeoutMs?: number } = {}): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database | undefined;
  try {
    // The timeout is given at open, so that even the first statements (WAL, migrations) wait.
    db = new Database(file, { timeout: options.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
    db.exec('PRAGMA journal_mode = WAL');
    // Speaker enrolment is precious and rare: pay the fsync so a power cut loses nothing acknowledged.
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db?.close();
    throw cannotOpen(file, err);
  }

  const rowToRecord = (row: SpeakerRow): SpeakerRecord => ({
    id: row.id,
    name: row.name,
    priority: row.priority as Priority,
    is_blocked: row.is_blocked === 1,
    auto_learned: row.auto_learned === 1,
    sample_count: row.sample_count,
    last_seen: row.last_seen,
    embedding: row.embedding ? toFloat32(row.embedding) : null,
    created_at: row.created_at,
  });

  const select = db.prepare('SELECT * FROM speakers WHERE id = ?');
  const get = (id: string): SpeakerRecord | null => {
    const row = select.get(id) as SpeakerRow | undefined;
    return row ? rowToRecord(row) : null;
  };

  return {
    speakers: {
      list: () => (db.prepare('SELECT * FROM speakers ORDER BY priority, seq').all() as SpeakerRow[]).map(rowToRecord),
      get,
      create(speaker: NewSpeaker): SpeakerRecord {
        const create = transaction(db, () => {
          const { lastInsertRowid } = db
            .prepare(
              `INSERT INTO speakers (id, name, priority, is_blocked, auto_learned, sample_count, embedding, created_at)
               VALUES ('pending', ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              speaker.name,
              speaker.priority,
              speaker.is_blocked ? 1 : 0,
              speaker.auto_learned ? 1 : 0,
              speaker.sample_count ?? 0,
              speaker.embedding ? toBytes(speaker.embedding) : null,
              isoSeconds(),
            );
          const id = `spk_${String(lastInsertRowid).padStart(3, '0')}`;
          db.prepare('UPDATE speakers SET id = ? WHERE seq = ?').run(id, lastInsertRowid);
          return id;
        });
        return get(create() as string)!;
      },
      update(id: string, changes: SpeakerChanges): SpeakerRecord | null {
        const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
        if (entries.length > 0) {
          const sets = entries.map(([k]) => `${k} = ?`).join(', ');
          const values = entries.map(([, v]) => toColumn(v));
          const { changes: n } = db.prepare(`UPDATE speakers SET ${sets} WHERE id = ?`).run(...values, id);
          if (n === 0) return null;
        }
        return get(id);
      },
      delete: (id: string) => db.prepare('DELETE FROM speakers WHERE id = ?').run(id).changes > 0,
    },
    memory: memoryTable(db),
    conversations: conversationTable(db),
    settings: {
      get: (key) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null,
      set: (key, value) => {
        db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
      },
    },
    timers: sqliteTimers(db),
    audit: sqliteAudit(db),
    turns: sqliteTurns(db),
    close: () => db.close(),
  };
}

interface FactRow {
  seq: number;
  speaker_id: string;
  text: string;
  created_at: string;
}

const factId = (seq: number | bigint) => `mem_${seq}`;
const factSeq = (id: string) => (/^mem_[0-9]{1,12}$/.test(id) ? Number(id.slice(4)) : null);
const rowToFact = (row: FactRow): FactRecord => ({ id: factId(row.seq), speaker_id: row.speaker_id, text: row.text, created_at: row.created_at });

function memoryTable(db: Database.Database): Store['memory'] {
  return {
    facts: (speakerId) =>
      (db.prepare('SELECT seq, speaker_id, text, created_at FROM memory_facts WHERE speaker_id = ? ORDER BY seq').all(speakerId) as FactRow[]).map(rowToFact),
    addFact(speakerId, text, key) {
      const { changes, lastInsertRowid } = db
        .prepare('INSERT INTO memory_facts (speaker_id, text, norm, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (speaker_id, norm) DO NOTHING')
        .run(speakerId, text, key, isoSeconds());
      if (changes === 0) return null;
      return rowToFact(db.prepare('SELECT seq, speaker_id, text, created_at FROM memory_facts WHERE seq = ?').get(lastInsertRowid) as FactRow);
    },
    deleteFact(speakerId, id) {
      const seq = factSeq(id);
      return seq !== null && db.prepare('DELETE FROM memory_facts WHERE seq = ? AND speaker_id = ?').run(seq, speakerId).changes > 0;
    },
    deleteFacts: (speakerId) => db.prepare('DELETE FROM memory_facts WHERE speaker_id = ?').run(speakerId).changes,
  };
}

function conversationTable(db: Database.Database): Store['conversations'] {
  return {
    messages: (key, limit) =>
      (
        db
          .prepare('SELECT role, content FROM (SELECT seq, role, content FROM conversation_messages WHERE context_key = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq')
          .all(key, limit) as StoredMessage[]
      ).map(({ role, content }) => ({ role, content })),
    append: transaction(db, (key: string, speakerId: string, message: StoredMessage, keep: number) => {
      db.prepare('INSERT INTO conversation_messages (context_key, speaker_id, role, content, created_at) VALUES (?, ?, ?, ?, ?)').run(
        key,
        speakerId,
        message.role,
        message.content,
        isoSeconds(),
      );
      db.prepare(
        'DELETE FROM conversation_messages WHERE context_key = ? AND seq NOT IN (SELECT seq FROM conversation_messages WHERE context_key = ? ORDER BY seq DESC LIMIT ?)',
      ).run(key, key, keep);
    }) as Store['conversations']['append'],
    clear: (key) =>
      key === undefined
        ? db.prepare('DELETE FROM conversation_messages').run().changes
        : db.prepare('DELETE FROM conversation_messages WHERE context_key = ?').run(key).changes,
  };
}

/**
 * Why the database cannot be opened, in words the user can act on. The file is left as it is:
 * Kiwi never deletes or rewrites a database it cannot read (speakers' voices are in it).
 */
export function cannotOpen(file: string, err: unknown): unknown {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const why = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) {
    return new KiwiError(
      'database_damaged',
      `Kiwi's database ${file} is damaged (${why}). It was left untouched: restore it from a backup, or move it aside to start with an empty one`,
      500,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new KiwiError('database_locked', `Kiwi's database ${file} is locked by another program (another Kiwi using the same data folder?): stop it and start Kiwi again`, 503);
  }
  return storageError(err) ?? err;
}

function migrate(db: Database.Database): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  for (let v = version; v < MIGRATIONS.length; v++) {
    transaction(db, () => {
      db.exec(MIGRATIONS[v]!);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    })();
  }
}

// Column names in `changes` come from the SpeakerChanges type, never from user input.
function toColumn(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Float32Array) return toBytes(value);
  return value;
}

const toBytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

function toFloat32(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes); // aligned copy: the blob's offset may not be a multiple of 4
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
