import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/kiwi-test-server.ts';
import { runThenKill } from '../testing/kill-writer.ts';
import { appRoot } from '../platform/paths.ts';
import { isoSeconds, openSqliteStore, SCHEMA_VERSION } from './sqlite-store.ts';
import type { Store } from './store.ts';

describe('SQLite speaker store', () => {
  let dir: string;
  let file: string;
  const open: Store[] = [];
  const openStore = () => {
    const store = openSqliteStore(file);
    open.push(store);
    return store;
  };
  beforeEach(async () => {
    dir = await makeTempDir('kiwi-store-');
    file = path.join(dir, 'kiwi.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('creates speakers with ids like spk_001 and reads them back', () => {
    const store = openStore();
    const owner = store.speakers.create({ name: 'Owner', priority: 0 });
    const guest = store.speakers.create({ name: 'Guest', priority: 2, auto_learned: true, sample_count: 3 });
    expect(owner.id).toBe('spk_001');
    expect(guest.id).toBe('spk_002');
    expect(owner).toMatchObject({ name: 'Owner', priority: 0, is_blocked: false, auto_learned: false, sample_count: 0, last_seen: null, embedding: null });
    expect(guest).toMatchObject({ priority: 2, auto_learned: true, sample_count: 3 });
    expect(owner.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(store.speakers.get('spk_002')).toEqual(guest);
    expect(store.speakers.get('spk_404')).toBeNull();
  });

  it('lists by priority, then creation order', () => {
    const store = openStore();
    store.speakers.create({ name: 'Guest', priority: 2 });
    store.speakers.create({ name: 'Owner', priority: 0 });
    store.speakers.create({ name: 'Friend', priority: 1 });
    store.speakers.create({ name: 'Guest 2', priority: 2 });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['Owner', 'Friend', 'Guest', 'Guest 2']);
  });

  it('updates fields and reports unknown ids', () => {
    const store = openStore();
    const { id } = store.speakers.create({ name: 'A', priority: 1 });
    const seen = isoSeconds(new Date('2026-02-25T10:30:00Z'));
    const updated = store.speakers.update(id, { name: 'B', is_blocked: true, sample_count: 7, last_seen: seen });
    expect(updated).toMatchObject({ id, name: 'B', is_blocked: true, sample_count: 7, last_seen: '2026-02-25T10:30:00+00:00' });
    expect(store.speakers.update('spk_999', { name: 'X' })).toBeNull();
    expect(store.speakers.update(id, {})).toMatchObject({ name: 'B' });
  });

  it('deletes, and never reuses an id', () => {
    const store = openStore();
    const a = store.speakers.create({ name: 'A', priority: 1 });
    expect(store.speakers.delete(a.id)).toBe(true);
    expect(store.speakers.delete(a.id)).toBe(false);
    expect(store.speakers.get(a.id)).toBeNull();
    expect(store.speakers.create({ name: 'B', priority: 1 }).id).toBe('spk_002');
  });

  it('round-trips embeddings exactly (bit for bit), also after reopening', () => {
    const store = openStore();
    const values = new Float32Array([0, -0, 1, -1, Math.PI, 1e-38, 3.4e38, Number.MIN_VALUE, 0.1, -123.456]);
    const big = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / (i + 1));
    const a = store.speakers.create({ name: 'A', priority: 1, embedding: values });
    const b = store.speakers.create({ name: 'B', priority: 1 });
    store.speakers.update(b.id, { embedding: big });
    const bytes = (v: Float32Array | null) => Buffer.from(v!.buffer, v!.byteOffset, v!.byteLength);
    expect(bytes(store.speakers.get(a.id)!.embedding)).toEqual(bytes(values));
    expect(bytes(store.speakers.get(b.id)!.embedding)).toEqual(bytes(big));
    store.close();
    open.length = 0;
    const again = openStore();
    expect(again.speakers.get(a.id)!.embedding).toEqual(values);
    expect(Object.is(again.speakers.get(a.id)!.embedding![1], -0)).toBe(true);
    expect(bytes(again.speakers.get(b.id)!.embedding)).toEqual(bytes(big));
  });

  it('keeps settings', () => {
    const store = openStore();
    expect(store.settings.get('active_soul')).toBeNull();
    store.settings.set('active_soul', 'comedian');
    store.settings.set('active_soul', 'storyteller');
    expect(store.settings.get('active_soul')).toBe('storyteller');
  });

  it('migrations are idempotent: reopening keeps data and the schema version', () => {
    const first = openStore();
    first.speakers.create({ name: 'Owner', priority: 0 });
    first.settings.set('k', 'v');
    first.close();
    open.length = 0;
    for (let i = 0; i < 3; i++) {
      const store = openStore();
      expect(store.speakers.list().map((s) => s.name)).toEqual(['Owner']);
      expect(store.settings.get('k')).toBe('v');
      store.close();
      open.length = 0;
    }
    const db = new Database(file);
    try {
      expect(db.prepare('PRAGMA user_version').get()).toMatchObject({ user_version: SCHEMA_VERSION });
      expect(db.prepare('PRAGMA journal_mode').get()).toMatchObject({ journal_mode: 'wal' });
    } finally {
      db.close();
    }
  });

  it('a second connection can write while the first is open (WAL)', () => {
    const store = openStore();
    const other = openStore();
    other.speakers.create({ name: 'From the other side', priority: 2 });
    expect(store.speakers.list().map((s) => s.name)).toEqual(['From the other side']);
  });

  it('refuses to write a speaker with an id that is not its own (SQL stays parameterised)', () => {
    const store = openStore();
    const { id } = store.speakers.create({ name: "Robert'); DROP TABLE speakers;--", priority: 2 });
    expect(store.speakers.get(id)?.name).toBe("Robert'); DROP TABLE speakers;--");
    expect(store.speakers.update("spk_001' OR '1'='1", { name: 'x' })).toBeNull();
    expect(store.speakers.list()).toHaveLength(1);
  });
});

describe('durability under kill -9', () => {
  const writer = path.join(appRoot, 'main', 'testing', 'speaker-writer.ts');

  /** Start the writer, SIGKILL it after `acks` acknowledged speakers, return the acknowledged ids. */
  async function writeThenKill(file: string, acks: number): Promise<string[]> {
    const ids: string[] = [];
    await runThenKill(writer, [file], {
      onLine: (line) => {
        const match = /^ACK (spk_\d+)$/.exec(line);
        if (match) ids.push(match[1]!);
      },
      killWhen: () => ids.length >= acks,
      timeoutMs: 15_000,
      progress: () => `${ids.length} acknowledgements`,
    });
    return ids;
  }

  it('every acknowledged speaker survives SIGKILL, and the database stays intact', async () => {
    const dir = await makeTempDir('kiwi-kill9-');
    try {
      const file = path.join(dir, 'kiwi.db');
      let expected: string[] = [];
      for (const acks of [25, 60, 10]) {
        const ids = await writeThenKill(file, acks);
        expect(ids.length).toBeGreaterThanOrEqual(acks);
        expected = [...expected, ...ids];
        const store = openSqliteStore(file);
        try {
          const present = new Set(store.speakers.list().map((s) => s.id));
          for (const id of expected) expect(present.has(id), `${id} was acknowledged`).toBe(true);
          const last = store.speakers.get(expected.at(-1)!);
          expect(last?.embedding).toHaveLength(192);
        } finally {
          store.close();
        }
        const db = new Database(file);
        try {
          expect(db.prepare('PRAGMA integrity_check').all()).toMatchObject([{ integrity_check: 'ok' }]);
        } finally {
          db.close();
        }
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 45_000);
});
