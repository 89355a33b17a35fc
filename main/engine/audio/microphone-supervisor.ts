import type { KiwiError } from '../../platform/errors.ts';
import { SystemMicrophone, type CaptureOptions, type Recorder } from './system-input.ts';

export type MicrophoneState = 'listening' | 'restarting' | 'stopped';

/** What /api/status shows about the headless microphone. */
export interface MicrophoneStatus {
  state: MicrophoneState;
  recorder: string;
  restarts: number;
  last_error: string | null;
}

export interface SupervisorHooks {
  onFrame(samples: Float32Array): void;
  /** The recorder died: the input ended (pending work is dropped); a restart comes after `retryInMs`. */
  failed(reason: { code: string; message: string }, retryInMs: number): void;
  /** A restarted recorder delivers audio again. */
  recovered(restarts: number): void;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** 1 s, 2 s, 4 s … at most 30 s between attempts: a replugged microphone is back within half a minute. */
export const MICROPHONE_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 };

/**
 * Keeps the headless microphone alive: when the recorder process dies (USB microphone unplugged,
 * sound server restarted) it is started again with exponential backoff, and the first audio from
 * a restarted recorder counts as recovered (the backoff starts over).
 */
export class MicrophoneSupervisor {
  #mic: SystemMicrophone | null = null;
  #timer: NodeJS.Timeout | null = null;
  #state: MicrophoneState = 'stopped';
  #restarts = 0;
  #failures = 0;
  #lastError: string | null = null;
  #awaitingAudio = false;

  constructor(
    readonly recorder: Recorder,
    private readonly hooks: SupervisorHooks,
    private readonly backoff: Backoff = MICROPHONE_BACKOFF,
    private readonly capture: Pick<CaptureOptions, 'frameSamples'> = {},
  ) {}

  get status(): MicrophoneStatus {
    return { state: this.#state, recorder: this.recorder.name, restarts: this.#restarts, last_error: this.#lastError };
  }

  start(): void {
    this.#state = 'listening';
    this.#launch();
  }

  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#mic?.stop();
  }

  #launch(): void {
    const mic = new SystemMicrophone(this.recorder, {
      ...this.capture,
      onFrame: (samples) => {
        if (this.#awaitingAudio) {
          this.#awaitingAudio = false;
          this.#failures = 0;
          this.#state = 'listening';
          this.hooks.recovered(this.#restarts);
        }
        this.hooks.onFrame(samples);
      },
      onEnd: (error) => this.#ended(error),
    });
    this.#mic = mic;
    mic.start();
  }

  #ended(error: KiwiError | undefined): void {
    if (this.#state === 'stopped') return;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.#failures);
    this.#failures++;
    this.#state = 'restarting';
    this.#lastError = error?.message ?? `${this.recorder.name} ended`;
    this.hooks.failed({ code: error?.code ?? 'microphone_ended', message: this.#lastError }, delay);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#state === 'stopped') return;
      this.#restarts++;
      this.#awaitingAudio = true;
      this.#launch();
    }, delay);
  }
}
