import type Database from 'libsql';
import { transaction } from '../store/sqlite-transaction.ts';
import type { NewTimerItem, TimerChanges, TimerItem, TimerKind, TimerState, TimerStore } from './types.ts';

/**
 * The timers table, added as one schema migration of the SQLite store. Every instant is stored
 * as ISO-8601 UTC text (…Z), so the rows read the same in any time zone and sort as text.
 */
export const TIMERS_MIGRATION = `CREATE TABLE timers (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL CHECK (kind IN ('timer', 'alarm', 'reminder')),
     label TEXT,
     task TEXT,
     owner_id TEXT,
     owner_name TEXT,
     language TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('scheduled', 'ringing', 'snoozed')),
     due_at TEXT NOT NULL,
     next_at TEXT NOT NULL,
     duration_ms INTEGER,
     clock TEXT,
     days TEXT NOT NULL DEFAULT '',
     ringing_since TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX timers_next_at ON timers (next_at);`;

interface TimerRow {
  id: string;
  kind: string;
  label: string | null;
  task: string | null;
  owner_id: string | null;
  owner_name: string | null;
  language: string;
  state: string;
  due_at: string;
  next_at: string;
  duration_ms: number | null;
  clock: string | null;
  days: string;
  ringing_since: string | null;
  created_at: string;
  updated_at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (text: string) => Date.parse(text);

function toItem(row: TimerRow): TimerItem {
  return {
    id: row.id,
    kind: row.kind as TimerKind,
    label: row.label,
    task: row.task,
    owner_id: row.owner_id,
    owner_name: row.owner_name,
    language: row.language,
    state: row.state as TimerState,
    due_at: ms(row.due_at),
    next_at: ms(row.next_at),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    clock: row.clock,
    days: row.days ? row.days.split(',').map(Number) : [],
    ringing_since: row.ringing_since === null ? null : ms(row.ringing_since),
    created_at: ms(row.created_at),
    updated_at: ms(row.updated_at),
  };
}

/** Column values for the fields of TimerChanges (column names come from the type, never from input). */
function toColumns(changes: TimerChanges): Array<[string, unknown]> {
  return Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([key, value]): [string, unknown] => {
      if (key === 'days') return [key, (value as number[]).join(',')];
      if (key === 'due_at' || key === 'next_at' || key === 'ringing_since') return [key, value === null ? null : iso(value as number)];
      return [key, value];
    });
}

export function sqliteTimers(db: Database.Database): TimerStore {
  const select = db.prepare('SELECT * FROM timers WHERE id = ?');
  const get = (id: string): TimerItem | null => {
    const row = select.get(id) as TimerRow | undefined;
    return row ? toItem(row) : null;
  };
  return {
    list: () => (db.prepare('SELECT * FROM timers ORDER BY next_at, seq').all() as TimerRow[]).map(toItem),
    get,
    create(item: NewTimerItem, now: number): TimerItem {
      const create = transaction(db, () => {
        const { lastInsertRowid } = db
          .prepare(
            `INSERT INTO timers (id, kind, label, task, owner_id, owner_name, language, state, due_at, next_at, duration_ms, clock, days, created_at, updated_at)
             VALUES ('pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            item.kind,
            item.label,
            item.task,
            item.owner_id,
            item.owner_name,
            item.language,
            item.state ?? 'scheduled',
            iso(item.due_at),
            iso(item.next_at),
            item.duration_ms,
            item.clock,
            item.days.join(','),
            iso(now),
            iso(now),
          );
        const id = `tmr_${String(lastInsertRowid).padStart(3, '0')}`;
        db.prepare('UPDATE timers SET id = ? WHERE seq = ?').run(id, lastInsertRowid);
        return id;
      });
      return get(create() as string)!;
    },
    update(id: string, changes: TimerChanges, now: number): TimerItem | null {
      const columns = [...toColumns(changes), ['updated_at', iso(now)] as [string, unknown]];
      const sets = columns.map(([k]) => `${k} = ?`).join(', ');
      const { changes: n } = db.prepare(`UPDATE timers SET ${sets} WHERE id = ?`).run(...columns.map(([, v]) => v), id);
      return n === 0 ? null : get(id);
    },
    delete: (id: string) => db.prepare('DELETE FROM timers WHERE id = ?').run(id).changes > 0,
  };
}

/** The same interface in memory, for tests of code that does not need SQLite. */
export function memoryTimers(): TimerStore {
  const items = new Map<string, TimerItem>();
  let seq = 0;
  const copy = (item: TimerItem): TimerItem => ({ ...item, days: [...item.days] });
  return {
    list: () => [...items.values()].sort((a, b) => a.next_at - b.next_at).map(copy),
    get: (id) => (items.has(id) ? copy(items.get(id)!) : null),
    create(item, now) {
      const id = `tmr_${String(++seq).padStart(3, '0')}`;
      const stored: TimerItem = { ...item, state: item.state ?? 'scheduled', id, ringing_since: null, created_at: now, updated_at: now, days: [...item.days] };
      items.set(id, stored);
      return copy(stored);
    },
    update(id, changes, now) {
      const current = items.get(id);
      if (!current) return null;
      const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      const next = { ...current, ...defined, updated_at: now };
      items.set(id, next);
      return copy(next);
    },
    delete: (id) => items.delete(id),
  };
}
