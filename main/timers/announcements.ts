import type { Announcer } from './announcer.ts';

/**
 * Spoken announcements (missed items), one at a time: a newer one cuts the one still playing. A
 * failure is reported unless the line was cut on purpose.
 */
export class Announcements {
  #current: AbortController | null = null;

  constructor(
    private readonly announcer: Pick<Announcer, 'say'>,
    private readonly onError: (err: unknown) => void,
  ) {}

  say(text: string): void {
    this.#current?.abort(new Error('a newer announcement'));
    const controller = new AbortController();
    this.#current = controller;
    void this.announcer.say(text, controller.signal).catch((err: unknown) => {
      if (!controller.signal.aborted) this.onError(err);
    });
  }

  close(): void {
    this.#current?.abort(new Error('Kiwi is stopping'));
  }
}
