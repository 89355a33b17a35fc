import path from 'node:path';
import { openSqliteStore } from '../../main/store/sqlite-store.ts';

/** Speakers in Kiwi's database before it starts (what enrollment would have left there). */
export function seedSpeakers(dataDir: string, speakers: Array<{ name: string; priority: 0 | 1 | 2 }>): void {
  const store = openSqliteStore(path.join(dataDir, 'kiwi.db'));
  try {
    for (const s of speakers) store.speakers.create({ name: s.name, priority: s.priority, sample_count: 3 });
  } finally {
    store.close();
  }
}
