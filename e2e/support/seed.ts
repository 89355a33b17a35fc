import path from 'node:path';
import { normalizeText } from '../../main/dialogue/commands/normalize.ts';
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

/** Ada (the owner) with three facts she asked Kiwi to remember, and Bob (voice turns would need their voices). */
export function seedAdaAndBob(dataDir: string): void {
  const store = openSqliteStore(path.join(dataDir, 'kiwi.db'));
  try {
    const ada = store.speakers.create({ name: 'Ada', priority: 0, sample_count: 3 });
    store.speakers.create({ name: 'Bob', priority: 1, sample_count: 3 });
    for (const fact of ['my favourite colour is green', 'I take my tea without sugar', 'my sister is called Eve']) store.memory.addFact(ada.id, fact, normalizeText(fact, 'en'));
  } finally {
    store.close();
  }
}
