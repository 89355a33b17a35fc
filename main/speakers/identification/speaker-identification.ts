import type { Speaker } from '../../contract/api.ts';
import type { Config } from '../../contract/config.ts';
import type { EventBus } from '../../engine/events/event-bus.ts';
import type { IdentifiedSpeaker, SpeakerIdentifier } from '../../engine/listening/turn.ts';
import type { Pcm, SpeakerEmbedder, Vad } from '../../engine/stages.ts';
import { describeError } from '../../platform/errors.ts';
import { isoSeconds } from '../../store/sqlite-store.ts';
import type { SpeakerRecord, Store } from '../../store/store.ts';
import { toApiSpeaker } from '../speaker-service.ts';
import { isBlocked } from '../roles.ts';
import { prepareAudio } from './audio-prep.ts';
import { EarlyEmbedding } from './early-embedding.ts';
import { GuestLearner } from './guest-learner.ts';
import { GUEST_MIN_SECONDS, GUEST_UNKNOWN_MARGIN, MAX_UPDATE_WEIGHT, MIN_IDENTIFY_SECONDS, SELF_MIN_SECONDS, updateThreshold } from './policy.ts';
import { SelfVoice } from './self-voice.ts';
import { blend, cosine, meanOfUnits } from './vectors.ts';
import { comparableProfiles, tagPrint } from './voice-prints.ts';
import type { LastVoice } from '../../dialogue/commands/last-voice.ts';

export interface IdentificationDeps {
  store: Store;
  bus: EventBus;
  config: () => Config;
  /** The engine's speaker model right now (a rebuilt engine brings a new one), if there is one. */
  embedder: () => SpeakerEmbedder | undefined;
  /** The engine's VAD, if there is one: enrolment refuses clips it hears too little speech in (music). */
  vad?: () => Vad | undefined;
  /** Why there is no speaker model (the engine's `missing` line), for 503 answers. */
  unavailableReason?: () => string | undefined;
  now?: () => number;
  /** Told of every unknown voice (with its embedding) and blocked speaker heard, for "block that voice". */
  lastVoice?: { set(voice: LastVoice | null): void };
}

/** What identification decided about one utterance, with the evidence. */
export type Identification =
  | { kind: 'speaker'; speaker: IdentifiedSpeaker; updated: boolean; learned: boolean }
  | { kind: 'self'; confidence: number }
  | { kind: 'unknown'; best: { id: string; score: number } | null; reason: string };

/**
 * Who is speaking: an utterance's embedding against the stored voice prints (cosine similarity,
 * config.voice.speaker_threshold). It also recognises Kiwi's own voice (self filter), keeps
 * profiles fresh with confident matches only, and learns repeated unknown voices as guests.
 * Blocked speakers are identified like anyone else, with `blocked: true`, so the pipeline can
 * drop what they say. Emits SPEAKER_IDENTIFIED for every known speaker it recognises.
 */
export class SpeakerIdentification implements SpeakerIdentifier {
  readonly #self = new SelfVoice();
  readonly #guests = new GuestLearner();
  readonly #early = new EarlyEmbedding();
  #guestModel: string | null = null;

  constructor(private readonly deps: IdentificationDeps) {}

  /** The voice loop's view: the speaker, 'self' for Kiwi's own voice, or null for unknown. */
  async identify(audio: Pcm, signal?: AbortSignal, turnId?: string): Promise<IdentifiedSpeaker | 'self' | null> {
    const result = await this.identifyDetailed(audio, signal, turnId);
    if (result.kind === 'self') return 'self';
    return result.kind === 'speaker' ? result.speaker : null;
  }

  /** `turnId`: the turn the audio belongs to (SPEAKER_IDENTIFIED and ERROR carry it). */
  async identifyDetailed(audio: Pcm, signal?: AbortSignal, turnId?: string): Promise<Identification> {
    const embedder = this.deps.embedder();
    if (!embedder) return { kind: 'unknown', best: null, reason: 'no speaker model' };
    const prepared = prepareAudio(audio);
    if (prepared.speechSeconds < MIN_IDENTIFY_SECONDS) return { kind: 'unknown', best: null, reason: 'too little voice' };
    let embedding: Float32Array;
    try {
      const early = this.#early.take(embedder, prepared);
      embedding = await (early ? early.catch(() => embedder.embed(prepared, signal)) : embedder.embed(prepared, signal));
    } catch (err) {
      if (signal?.aborted) throw err;
      // The utterance still gets its answer (as an unknown voice); the failure is reported.
      this.deps.bus.emit('ERROR', { code: 'speaker_failed', message: describeError(err), turn_id: turnId }, 'speakers');
      return { kind: 'unknown', best: null, reason: `speaker model failed: ${describeError(err)}` };
    }
    return this.decide(embedding, prepared.speechSeconds, embedder, turnId);
  }

  /**
   * An early transcript named a command: embed this voice now, so that identifying the same voiced
   * audio when the turn ends takes the print ready. Nothing is decided here: a decision learns
   * (guests, profiles, the last voice), and only the turn may.
   */
  prepare(audio: Pcm): void {
    const embedder = this.deps.embedder();
    if (!embedder) return;
    const prepared = prepareAudio(audio);
    if (prepared.speechSeconds >= MIN_IDENTIFY_SECONDS) this.#early.start(embedder, prepared);
  }

  /** The decision for one embedding (separate from the model, so it can be tested on its own). */
  decide(embedding: Float32Array, speechSeconds: number, embedder: Pick<SpeakerEmbedder, 'model' | 'dimension'>, turnId?: string): Identification {
    const { store } = this.deps;
    const voice = this.deps.config().voice;
    const threshold = voice.speaker_threshold;
    let best: { record: SpeakerRecord; print: Float32Array; score: number } | null = null;
    for (const { record, print } of comparableProfiles(store, embedder)) {
      const score = cosine(print, embedding);
      if (!best || score > best.score) best = { record, print, score };
    }
    const selfScore = this.#self.score(this.#selfKey(embedder.model), embedding);
    if (selfScore !== null && selfScore >= threshold && selfScore >= (best?.score ?? -1)) {
      return { kind: 'self', confidence: round(selfScore) };
    }
    if (best && best.score >= threshold) return this.#recognised(best, embedding, embedder.model, threshold, turnId);

    const clearlyUnknown = (best?.score ?? -1) < threshold - GUEST_UNKNOWN_MARGIN && (selfScore ?? -1) < threshold - GUEST_UNKNOWN_MARGIN;
    if (voice.auto_learn_guests && clearlyUnknown && speechSeconds >= GUEST_MIN_SECONDS) {
      const learned = this.#learnGuest(embedding, embedder.model, threshold, speechSeconds, turnId);
      if (learned) return learned;
    }
    this.deps.lastVoice?.set({ kind: 'unknown', embedding, heardAt: this.#now() });
    return { kind: 'unknown', best: best ? { id: best.record.id, score: round(best.score) } : null, reason: 'below the threshold' };
  }

  /**
   * Learn Kiwi's own voice from one synthesized reply (any rate). Cheap to call for every reply:
   * after the first few, only an occasional one is embedded. Returns whether it was learned from.
   */
  async registerOwnVoice(audio: Pcm, signal?: AbortSignal): Promise<boolean> {
    const embedder = this.deps.embedder();
    if (!embedder) return false;
    const key = this.#selfKey(embedder.model);
    if (!this.#self.wants(key)) {
      this.#self.skipped(key);
      return false;
    }
    const prepared = prepareAudio(audio);
    if (prepared.speechSeconds < SELF_MIN_SECONDS) return false;
    this.#self.add(key, await embedder.embed(prepared, signal));
    return true;
  }

  /** Replies already learned for the current model and TTS voice. */
  ownVoiceSamples(): number {
    const embedder = this.deps.embedder();
    return embedder ? this.#self.samples(this.#selfKey(embedder.model)) : 0;
  }

  /**
   * Learn from audio Kiwi is playing (wire it to AudioHub.onPlay): returns at once, never delays
   * playback; a failure is reported as an ERROR event.
   */
  hearOwnVoice(audio: Pcm): void {
    void this.registerOwnVoice(audio).catch((err: unknown) =>
      this.deps.bus.emit('ERROR', { code: 'self_voice_failed', message: describeError(err) }, 'speakers'),
    );
  }

  #recognised(best: { record: SpeakerRecord; print: Float32Array; score: number }, embedding: Float32Array, model: string, threshold: number, turnId: string | undefined): Identification {
    const { record, print, score } = best;
    const changes: Parameters<Store['speakers']['update']>[1] = { last_seen: isoSeconds(new Date(this.#now())) };
    const blocked = isBlocked(record);
    // Only a confident match of an allowed speaker teaches the profile, and only a little.
    const updated = !blocked && score >= updateThreshold(threshold);
    if (updated) {
      changes.embedding = blend(print, embedding, Math.min(MAX_UPDATE_WEIGHT, 1 / (record.sample_count + 1)));
      changes.sample_count = record.sample_count + 1;
    }
    this.deps.store.speakers.update(record.id, changes);
    if (updated) tagPrint(this.deps.store, record.id, model);
    const speaker: IdentifiedSpeaker = { id: record.id, name: record.name, priority: record.priority, confidence: round(score), blocked };
    if (blocked) this.deps.lastVoice?.set({ kind: 'profile', speakerId: record.id, heardAt: this.#now() });
    this.#announce(speaker, turnId);
    return { kind: 'speaker', speaker, updated, learned: false };
  }

  #learnGuest(embedding: Float32Array, model: string, threshold: number, seconds: number, turnId: string | undefined): Identification | null {
    if (this.#guestModel !== model) {
      this.#guests.clear(); // samples of another model are not comparable
      this.#guestModel = model;
    }
    const samples = this.#guests.offer(embedding, threshold, this.#now(), seconds);
    if (!samples) return null;
    const { store, bus } = this.deps;
    const print = meanOfUnits(samples);
    const record = store.speakers.create({
      name: nextGuestName(store.speakers.list()),
      priority: 2,
      auto_learned: true,
      embedding: print,
      sample_count: samples.length,
    });
    tagPrint(store, record.id, model);
    const saved = store.speakers.update(record.id, { last_seen: isoSeconds(new Date(this.#now())) }) ?? record;
    const view: Speaker = toApiSpeaker(saved);
    bus.emit('SPEAKER_ADDED', { speaker: view, auto_learned: true }, 'speakers');
    const speaker: IdentifiedSpeaker = { id: saved.id, name: saved.name, priority: saved.priority, confidence: round(cosine(print, embedding)), blocked: false };
    this.#announce(speaker, turnId);
    return { kind: 'speaker', speaker, updated: false, learned: true };
  }

  #announce(s: IdentifiedSpeaker, turnId: string | undefined): void {
    this.deps.bus.emit(
      'SPEAKER_IDENTIFIED',
      { id: s.id, speaker_id: s.id, name: s.name, priority: s.priority, confidence: s.confidence, blocked: s.blocked, turn_id: turnId },
      'speakers',
    );
  }

  #selfKey(model: string): string {
    const { tts_provider, tts_voice } = this.deps.config();
    return `${model}|${tts_provider}:${tts_voice}`;
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}

/** "Guest 1", "Guest 2", ...: one more than the highest number in use. */
export function nextGuestName(existing: Array<{ name: string }>): string {
  const used = existing.map((s) => /^Guest (\d+)$/.exec(s.name)?.[1]).filter(Boolean).map(Number);
  return `Guest ${Math.max(0, ...used) + 1}`;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
