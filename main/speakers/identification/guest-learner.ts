import { cosine, meanOfUnits } from './vectors.ts';

export interface GuestLearnerOptions {
  /** Consistent samples needed before an unknown voice becomes a guest. */
  samples: number;
  /** Samples older than this are forgotten (a visitor who said one thing an hour ago is not a pattern). */
  windowMs: number;
  /** Unknown voices followed at once; the stalest is dropped first. */
  maxVoices: number;
  /** Samples of one voice closer together than this count once (a burst of commands is one occasion, not three). */
  minGapMs: number;
}

export const GUEST_LEARNING: GuestLearnerOptions = { samples: 3, windowMs: 30 * 60_000, maxVoices: 8, minGapMs: 20_000 };

interface Candidate {
  samples: Float32Array[];
  seenAt: number[];
}

/**
 * Collects confident samples of unknown voices. A voice is learned only after `samples` of them
 * that are all mutually consistent (every pair at or above the threshold), so one odd utterance,
 * a TV in the background or two different visitors never make a profile.
 */
export class GuestLearner {
  #candidates: Candidate[] = [];

  constructor(private readonly options: GuestLearnerOptions = GUEST_LEARNING) {}

  /**
   * Offer one confident unknown sample of `seconds` of speech. Returns the samples of a voice that
   * has just reached the count (and forgets it), or null while it is still collecting. A sample
   * that arrives sooner after the voice's previous one than it takes to say is a flood (a replayed
   * recording, a script): the voice is forgotten, so a flood never becomes a guest.
   */
  offer(embedding: Float32Array, threshold: number, now = Date.now(), seconds = 0): Float32Array[] | null {
    this.#expire(now);
    let home: Candidate | undefined;
    let homeScore = -Infinity;
    for (const candidate of this.#candidates) {
      const scores = candidate.samples.map((s) => cosine(s, embedding));
      if (scores.some((s) => s < threshold)) continue; // consistent with every sample, or not this voice
      const score = cosine(meanOfUnits(candidate.samples), embedding);
      if (score > homeScore) [home, homeScore] = [candidate, score];
    }
    const last = home?.seenAt.at(-1);
    if (home && last !== undefined) {
      if (now - last < seconds * 1000) {
        this.#candidates = this.#candidates.filter((c) => c !== home);
        return null;
      }
      if (now - last < this.options.minGapMs) return null;
    }
    if (!home) {
      if (this.#candidates.length >= this.options.maxVoices) this.#dropStalest();
      home = { samples: [], seenAt: [] };
      this.#candidates.push(home);
    }
    home.samples.push(embedding);
    home.seenAt.push(now);
    if (home.samples.length < this.options.samples) return null;
    this.#candidates = this.#candidates.filter((c) => c !== home);
    return home.samples;
  }

  /** Unknown voices being followed (for status and tests). */
  get pending(): number {
    return this.#candidates.length;
  }

  clear(): void {
    this.#candidates = [];
  }

  #expire(now: number): void {
    for (const c of this.#candidates) {
      while (c.seenAt.length > 0 && now - c.seenAt[0]! > this.options.windowMs) {
        c.seenAt.shift();
        c.samples.shift();
      }
    }
    this.#candidates = this.#candidates.filter((c) => c.samples.length > 0);
  }

  #dropStalest(): void {
    const stalest = this.#candidates.reduce((a, b) => (a.seenAt.at(-1)! <= b.seenAt.at(-1)! ? a : b));
    this.#candidates = this.#candidates.filter((c) => c !== stalest);
  }
}
