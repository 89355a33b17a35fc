import type { Engine } from '../engine/engine.ts';
import { Enrollment } from '../speakers/identification/enrollment.ts';
import { SpeakerIdentification, type IdentificationDeps } from '../speakers/identification/speaker-identification.ts';

export type EngineSpeakersDeps = Pick<IdentificationDeps, 'store' | 'bus' | 'config' | 'lastVoice'> & {
  /** The engine running now (none before the first one starts): a rebuilt engine brings new models. */
  engine: () => Engine | undefined;
};

/** Who is speaking, and voice enrolment, over the speaker model and VAD of whichever engine runs now. */
export class EngineSpeakers {
  #identification?: SpeakerIdentification;

  constructor(private readonly deps: EngineSpeakersDeps) {}

  /** Voice prints, Kiwi's own voice, learned guests: one identification that outlives engine rebuilds. */
  get identification(): SpeakerIdentification {
    this.#identification ??= new SpeakerIdentification(this.#identificationDeps());
    return this.#identification;
  }

  /** Enrolment of voices (API, CLI) with the engine's current speaker model. */
  enrollment(): Enrollment {
    return new Enrollment(this.#identificationDeps());
  }

  #identificationDeps(): IdentificationDeps {
    const { store, bus, config, lastVoice, engine } = this.deps;
    return {
      store,
      bus,
      config,
      embedder: () => engine()?.parts.speaker,
      vad: () => engine()?.parts.vad,
      unavailableReason: () => engine()?.missing.find((line) => line.startsWith('speaker:'))?.slice('speaker:'.length).trim(),
      lastVoice,
    };
  }
}
