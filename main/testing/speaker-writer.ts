/**
 * Child process for the kill -9 durability test: creates speakers in a loop and prints each id
 * only after the store has acknowledged the write. The parent kills it with SIGKILL at a random
 * moment and checks that every printed id survived.
 *
 * Usage: tsx main/testing/speaker-writer.ts <db file>
 */
import { openSqliteStore } from '../store/sqlite-store.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: speaker-writer.ts <db file>');
  process.exit(2);
}
const store = openSqliteStore(file);
const embedding = new Float32Array(192);
for (let n = 0; ; n++) {
  embedding[n % 192] = n;
  const speaker = store.speakers.create({ name: `Speaker ${n}`, priority: 2, embedding, sample_count: n });
  store.speakers.update(speaker.id, { last_seen: new Date().toISOString() });
  process.stdout.write(`ACK ${speaker.id}\n`);
}
