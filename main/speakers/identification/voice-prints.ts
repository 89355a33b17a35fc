import type { SpeakerEmbedder } from '../../engine/stages.ts';
import type { SpeakerRecord, Store } from '../../store/store.ts';
import { isUsable } from './vectors.ts';

/**
 * Which speaker model made each stored voice print. Prints of different models live in different
 * spaces (even at the same dimension), so a print is only compared with embeddings of the model
 * that made it. The tag is kept in the settings table (`voiceprint_model.<speaker id>`), which
 * needs no schema change; profiles without a tag (made before tags existed) count as comparable
 * when their dimension matches.
 */
const key = (speakerId: string) => `voiceprint_model.${speakerId}`;

export function printModel(store: Store, speakerId: string): string | null {
  return store.settings.get(key(speakerId));
}

export function tagPrint(store: Store, speakerId: string, model: string): void {
  store.settings.set(key(speakerId), model);
}

/** Whether `record`'s voice print can be compared with embeddings from `embedder`. */
export function comparable(store: Store, record: SpeakerRecord, embedder: Pick<SpeakerEmbedder, 'model' | 'dimension'>): boolean {
  if (!isUsable(record.embedding, embedder.dimension)) return false;
  const model = printModel(store, record.id);
  return model === null || model === embedder.model;
}

/** A profile with a print this embedder can compare against. */
export interface Comparable {
  record: SpeakerRecord;
  print: Float32Array;
}

export function comparableProfiles(store: Store, embedder: Pick<SpeakerEmbedder, 'model' | 'dimension'>): Comparable[] {
  return store.speakers
    .list()
    .filter((r) => comparable(store, r, embedder))
    .map((record) => ({ record, print: record.embedding! }));
}
