import type Database from 'libsql';
import { transaction } from '../store/sqlite-transaction.ts';
import type { ConversationTurn } from '../contract/api.ts';

/**
 * The conversation history table, one schema migration of the SQLite store. A turn is kept as the
 * JSON the API answers with; `speaker_id` (an enrolled speaker, else null) is the privacy key, and
 * deleting a speaker deletes their turns with them.
 */
export const TURNS_MIGRATION = `CREATE TABLE turns (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     turn_id TEXT NOT NULL UNIQUE,
     speaker_id TEXT REFERENCES speakers(id) ON DELETE CASCADE ON UPDATE CASCADE,
     at TEXT NOT NULL,
     turn TEXT NOT NULL
   );
   CREATE INDEX turns_speaker ON turns (speaker_id, seq);`;

export interface TurnStore {
  /** Keeps a turn (a turn id seen before is ignored) and drops all but the newest `keep`. */
  add(turn: ConversationTurn, speakerId: string | null, keep: number): void;
  /** The newest `limit` turns, oldest first; only `speakerId`'s when it is given. */
  newest(limit: number, speakerId?: string): ConversationTurn[];
  /**
   * The newest `limit` turns older than the turn `before` (all turns when null), oldest first, and
   * whether still older ones exist; only `speakerId`'s when it is given. Null when `before` is not
   * a kept turn (of that speaker).
   */
  page(limit: number, before: string | null, speakerId?: string): { turns: ConversationTurn[]; hasMore: boolean } | null;
  /** Deletes one speaker's turns ("forget everything about me"); returns how many there were. */
  deleteSpeaker(speakerId: string): number;
  /** Deletes every kept turn; returns how many there were. */
  clear(): number;
}

export function sqliteTurns(db: Database.Database): TurnStore {
  const insert = db.prepare('INSERT INTO turns (turn_id, speaker_id, at, turn) VALUES (?, ?, ?, ?) ON CONFLICT (turn_id) DO NOTHING');
  const prune = db.prepare('DELETE FROM turns WHERE seq <= (SELECT seq FROM turns ORDER BY seq DESC LIMIT 1 OFFSET ?)');
  const read = (rows: unknown[]) => (rows as Array<{ turn: string }>).map((row) => JSON.parse(row.turn) as ConversationTurn).reverse();
  return {
    add: transaction(db, (turn: ConversationTurn, speakerId: string | null, keep: number) => {
      insert.run(turn.turn_id, speakerId, turn.at, JSON.stringify(turn));
      prune.run(keep);
    }) as TurnStore['add'],
    newest: (limit, speakerId) =>
      speakerId === undefined
        ? read(db.prepare('SELECT turn FROM turns ORDER BY seq DESC LIMIT ?').all(limit))
        : read(db.prepare('SELECT turn FROM turns WHERE speaker_id = ? ORDER BY seq DESC LIMIT ?').all(speakerId, limit)),
    page: (limit, before, speakerId) => {
      let below = Number.MAX_SAFE_INTEGER;
      if (before !== null) {
        const row = (
          speakerId === undefined
            ? db.prepare('SELECT seq FROM turns WHERE turn_id = ?').get(before)
            : db.prepare('SELECT seq FROM turns WHERE turn_id = ? AND speaker_id = ?').get(before, speakerId)
        ) as { seq: number } | undefined;
        if (!row) return null;
        below = row.seq;
      }
      // One more than asked for says whether older turns remain.
      const rows =
        speakerId === undefined
          ? db.prepare('SELECT turn FROM turns WHERE seq < ? ORDER BY seq DESC LIMIT ?').all(below, limit + 1)
          : db.prepare('SELECT turn FROM turns WHERE speaker_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?').all(speakerId, below, limit + 1);
      return { turns: read(rows.slice(0, limit)), hasMore: rows.length > limit };
    },
    deleteSpeaker: (speakerId) => db.prepare('DELETE FROM turns WHERE speaker_id = ?').run(speakerId).changes,
    clear: () => db.prepare('DELETE FROM turns').run().changes,
  };
}
