import { createHash } from 'node:crypto';
import { PRIORITIES, type Priority, type Speaker } from '../../contract/api.ts';
import type { Pcm, SpeakerEmbedder } from '../../engine/stages.ts';
import { conflict, KiwiError, notFound, unavailable } from '../../platform/errors.ts';
import type { SpeakerRecord } from '../../store/store.ts';
import { refuseTakenName, speakerName, toApiSpeaker } from '../speaker-service.ts';
import { enrolmentClip } from './audio-prep.ts';
import { CONSISTENCY_SLACK, DUPLICATE_CERTAIN, DUPLICATE_SLACK } from './policy.ts';
import { refuseNonSpeech } from './speech-check.ts';
import type { IdentificationDeps } from './speaker-identification.ts';
import { cosine, dot, meanOfUnits, normalize } from './vectors.ts';
import { comparable, comparableProfiles, tagPrint } from './voice-prints.ts';

/** How an enrolment names a priority: a word or the stored number. */
export type PriorityRequest = keyof typeof PRIORITIES | Priority;

export const priorityOf = (p: PriorityRequest): Priority => (typeof p === 'number' ? p : PRIORITIES[p]);

export interface EnrolRequest {
  name: string;
  /** Default guest: the least a new voice may do. Owner only when asked, and only if there is none. */
  priority?: PriorityRequest;
  /** One or more utterances of the voice (any rate; checked and trimmed by enrolmentClip). */
  clips: Pcm[];
  /** What errors call each clip (file names); default audio[0], audio[1], ... */
  labels?: string[];
}

export const MAX_CLIPS = 10;

/**
 * Enrolment: new profiles from one or more utterances, more samples for an existing one. The
 * voice print is the mean of the clips' unit embeddings, L2-normalised; `sample_count` counts
 * the clips behind it. The same rules serve the API and the CLI.
 */
export class Enrollment {
  constructor(private readonly deps: IdentificationDeps) {}

  async enrol(request: EnrolRequest, signal?: AbortSignal): Promise<Speaker> {
    const { store, bus } = this.deps;
    const name = speakerName(request.name);
    const priority = priorityOf(request.priority ?? 'guest');
    this.#refuseTaken(name, priority);
    const embedder = this.#embedder();
    const labels = clipLabels(request.clips, request.labels);
    const embeddings = await this.#embedAll(embedder, request.clips, labels, signal);
    checkConsistent(embeddings, labels, this.#threshold());
    const print = meanOfUnits(embeddings);

    // The same voice under another profile would make identification a coin toss between them.
    const match = this.#sameVoice(embedder, embeddings, print);
    // Asked again now, with no await before the write: another enrolment (API, voice, CLI) or a
    // rename may have taken the name, or the owner's place, while these clips were embedded.
    this.#refuseTaken(name, priority, match?.record.id);
    let record: SpeakerRecord;
    if (match) {
      if (!match.record.auto_learned) {
        throw new KiwiError(
          'voice_already_enrolled',
          `This voice is already enrolled as ${match.record.name} (${match.record.id}, similarity ${match.score.toFixed(2)}); add samples to that profile instead`,
          409,
          { speaker_id: match.record.id },
        );
      }
      // A guest Kiwi learned on its own is this person: give the profile its name and the new samples.
      record = this.#merge(match.record, match.record.embedding!, embeddings, {
        name,
        priority,
        auto_learned: false,
        is_blocked: priority === PRIORITIES.blocked || match.record.is_blocked,
      });
      tagPrint(store, record.id, embedder.model);
      const speaker = toApiSpeaker(record);
      bus.emit('SPEAKER_UPDATED', { speaker }, 'speakers');
      return speaker;
    }
    record = store.speakers.create({
      name,
      priority,
      is_blocked: priority === PRIORITIES.blocked,
      embedding: print,
      sample_count: embeddings.length,
    });
    tagPrint(store, record.id, embedder.model);
    const speaker = toApiSpeaker(record);
    bus.emit('SPEAKER_ADDED', { speaker, auto_learned: false }, 'speakers');
    return speaker;
  }

  /** 409 when the owner's place (asking for it) or the name (any case) is someone else's; `self` may keep its own. */
  #refuseTaken(name: string, priority: Priority, self?: string): void {
    const speakers = this.deps.store.speakers.list();
    const owner = speakers.find((s) => s.priority === PRIORITIES.owner && s.id !== self);
    if (priority === PRIORITIES.owner && owner) throw conflict(`${owner.name} is already the owner; there can be only one`);
    refuseTakenName(speakers, name, { self, advice: 'add samples to that profile instead' });
  }

  /**
   * More samples for an existing profile. They must sound like it (a wrong file would teach it
   * another voice); a profile whose print came from another speaker model is re-enrolled from them.
   */
  async addSamples(speakerId: string, clips: Pcm[], signal?: AbortSignal, names?: string[]): Promise<Speaker> {
    const { store, bus } = this.deps;
    if (!store.speakers.get(speakerId)) throwNotFound(speakerId);
    const embedder = this.#embedder();
    const labels = clipLabels(clips, names);
    const embeddings = await this.#embedAll(embedder, clips, labels, signal);
    // Read after the await: samples another request added meanwhile are in the print now (merging
    // into the print read before would drop them), and a profile deleted meanwhile is a 404.
    const record = store.speakers.get(speakerId) ?? throwNotFound(speakerId);
    const threshold = this.#threshold();
    let updated: SpeakerRecord;
    if (comparable(store, record, embedder)) {
      embeddings.forEach((e, i) => {
        const score = cosine(record.embedding!, e);
        if (score < threshold) {
          throw new KiwiError('voice_mismatch', `${labels[i]} does not sound like ${record.name} (similarity ${score.toFixed(2)}); nothing was added`, 409);
        }
      });
      updated = this.#merge(record, record.embedding!, embeddings, {});
    } else {
      checkConsistent(embeddings, labels, threshold);
      updated = store.speakers.update(record.id, { embedding: meanOfUnits(embeddings), sample_count: embeddings.length }) ?? throwNotFound(speakerId);
    }
    tagPrint(store, record.id, embedder.model);
    const speaker = toApiSpeaker(updated);
    bus.emit('SPEAKER_UPDATED', { speaker }, 'speakers');
    return speaker;
  }

  /** The print as the mean over all its samples: old print weighted by its count, plus the new unit embeddings. */
  #merge(record: SpeakerRecord, print: Float32Array, embeddings: Float32Array[], extra: Partial<Pick<SpeakerRecord, 'name' | 'priority' | 'auto_learned' | 'is_blocked'>>): SpeakerRecord {
    const count = Math.max(1, record.sample_count);
    const sum = print.map((v) => v * count);
    for (const e of embeddings) normalize(e).forEach((v, i) => (sum[i]! += v));
    return (
      this.deps.store.speakers.update(record.id, { ...extra, embedding: normalize(sum), sample_count: count + embeddings.length }) ?? throwNotFound(record.id)
    );
  }

  /**
   * The profile these clips are already the voice of, if any: the closest one above the
   * threshold, when the clips match it about as well as they match each other (DUPLICATE_SLACK).
   * A similar but different voice matches its own clips clearly better than the other profile.
   * One clip has nothing to compare with: then the threshold alone decides. At DUPLICATE_CERTAIN
   * and above it is that voice whatever the clips say about each other.
   */
  #sameVoice(embedder: SpeakerEmbedder, embeddings: Float32Array[], print: Float32Array): { record: SpeakerRecord; score: number } | null {
    let best: { record: SpeakerRecord; print: Float32Array; score: number } | null = null;
    for (const p of comparableProfiles(this.deps.store, embedder)) {
      const score = dot(p.print, print);
      if (!best || score > best.score) best = { ...p, score };
    }
    if (!best || best.score < this.#threshold()) return null;
    if (embeddings.length < 2 || best.score >= DUPLICATE_CERTAIN) return best;
    const toProfile = mean(embeddings.map((e) => cosine(best.print, e)));
    const toEachOther = mean(embeddings.map((e, i) => cosine(meanOfUnits(embeddings.filter((_, j) => j !== i)), e)));
    return toProfile >= toEachOther - DUPLICATE_SLACK ? best : null;
  }

  #embedder(): SpeakerEmbedder {
    const embedder = this.deps.embedder();
    if (!embedder) {
      const why = this.deps.unavailableReason?.() ?? 'no speaker model is loaded';
      throw unavailable('speaker_unavailable', `Cannot enrol a voice: ${why}`);
    }
    return embedder;
  }

  async #embedAll(embedder: SpeakerEmbedder, clips: Pcm[], labels: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (clips.length < 1 || clips.length > MAX_CLIPS) throw new KiwiError('invalid_request', `send 1 to ${MAX_CLIPS} audio clips`, 400);
    const out: Float32Array[] = [];
    const prepared: Pcm[] = [];
    // Without a VAD (none installed) the energy check of enrolmentClip is all there is.
    const vad = this.deps.vad?.();
    for (const [i, clip] of clips.entries()) {
      signal?.throwIfAborted(); // the client went away: stop preparing clips no one will read
      const ready = await enrolmentClip(clip, labels[i]!);
      if (vad) await refuseNonSpeech(vad, this.deps.config().voice.vad_threshold, ready, labels[i]!);
      prepared.push(ready);
    }
    refuseRepeatedClips(prepared, labels);
    for (const [i, clip] of prepared.entries()) {
      try {
        out.push(await embedder.embed(clip, signal));
      } catch (err) {
        if (err instanceof KiwiError && err.status === 400) throw new KiwiError(err.code, `${labels[i]}: ${err.message}`, 400);
        throw err;
      }
    }
    return out;
  }

  #threshold(): number {
    return this.deps.config().voice.speaker_threshold;
  }
}

/** Every clip must sound like the others (leave-one-out mean): one wrong file must not make a mixed print. */
function checkConsistent(embeddings: Float32Array[], labels: string[], threshold: number): void {
  if (embeddings.length < 2) return;
  embeddings.forEach((e, i) => {
    const others = meanOfUnits(embeddings.filter((_, j) => j !== i));
    const score = cosine(others, e);
    if (score < threshold - CONSISTENCY_SLACK) {
      throw new KiwiError('inconsistent_samples', `${labels[i]} does not sound like the other clips (similarity ${score.toFixed(2)}); send clips of one voice`, 400);
    }
  });
}

/**
 * The same recording twice says nothing more about the voice, yet it would count as two samples,
 * and clips that agree perfectly with each other make any existing profile look like another
 * person to the duplicate check (#sameVoice): 400 naming the repeat.
 */
function refuseRepeatedClips(clips: Pcm[], labels: string[]): void {
  const seen = new Map<string, number>();
  clips.forEach((clip, i) => {
    const digest = createHash('sha256').update(new Uint8Array(clip.samples.buffer, clip.samples.byteOffset, clip.samples.byteLength)).digest('hex');
    const first = seen.get(digest);
    if (first !== undefined) throw new KiwiError('repeated_clip', `${labels[i]} is the same recording as ${labels[first]}; send different utterances`, 400);
    seen.set(digest, i);
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const clipLabels = (clips: Pcm[], names?: string[]) => clips.map((_, i) => names?.[i] ?? `audio[${i}]`);

function throwNotFound(id: string): never {
  throw notFound('speaker', id);
}
