/**
 * "Block that voice" needs to know which voice "that" is. The engine keeps the last voice it did
 * not serve: an unknown voice (with its embedding, so a profile can be made from it) or a
 * blocked profile it ignored. The commands read it and point it at the profile they create.
 */
export type LastVoice =
  | { kind: 'unknown'; embedding: Float32Array; heardAt: number }
  | { kind: 'profile'; speakerId: string; heardAt: number };

export interface LastVoiceMemory {
  /** The last voice Kiwi did not serve, or null when there is none (or it is too old to mean "that voice"). */
  last(): LastVoice | null;
  /** Record a voice (the engine, on an unknown or blocked speaker), or clear it (null). */
  set(voice: LastVoice | null): void;
}

/** Ten minutes: long enough to say "block that voice" after noticing, short enough not to hit a stranger from yesterday. */
export const LAST_VOICE_MAX_AGE_MS = 10 * 60_000;

/** The in-memory LastVoiceMemory: one slot, forgotten after `maxAgeMs`. */
export class LastVoiceSlot implements LastVoiceMemory {
  #voice: LastVoice | null = null;

  constructor(
    private readonly maxAgeMs = LAST_VOICE_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  last(): LastVoice | null {
    if (this.#voice && this.now() - this.#voice.heardAt > this.maxAgeMs) this.#voice = null;
    return this.#voice;
  }

  set(voice: LastVoice | null): void {
    this.#voice = voice;
  }
}
