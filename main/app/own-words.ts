import type { Config } from '../contract/config.ts';
import type { BuiltinCommands } from '../dialogue/commands/index.ts';
import type { Engine } from '../engine/engine.ts';
import type { Logger } from '../platform/logger.ts';

/** What Kiwi says on its own, outside any turn, through whichever engine runs now (engines are rebuilt often). */
export class OwnWords {
  #greeted = false;

  constructor(
    private readonly deps: {
      config: () => Config;
      engine: () => Engine;
      commands: Pick<BuiltinCommands, 'greeting'>;
      logger: Logger;
    },
  ) {}

  /** voice.greeting: said once per process, by the first engine that has a voice; an empty text is the language's own greeting. */
  greetOnce(): void {
    const { language, wake_word: wakeWord, voice } = this.deps.config();
    const engine = this.deps.engine();
    if (this.#greeted || !voice.greeting.enabled || !engine.parts.tts) return;
    this.#greeted = true;
    const text = voice.greeting.text.trim() || this.deps.commands.greeting(language, wakeWord);
    engine.speak(text).done.catch((err: unknown) => this.deps.logger.error({ err }, 'the greeting failed'));
  }

  /** A security line (an approval that expired, or was answered elsewhere) is spoken once the engine is free; without a voice, events and Telegram carry it. */
  announce(text: string): void {
    const { engine, logger } = this.deps;
    engine()
      .idle()
      .then(() => {
        if (engine().parts.tts) engine().speak(text);
      })
      .catch((err: unknown) => logger.error({ err }, 'speaking a security announcement failed'));
  }
}
