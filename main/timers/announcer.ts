import type { AudioHub } from '../engine/audio/audio-hub.ts';
import type { Engine } from '../engine/engine.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { ringSound } from './sound.ts';
import type { TimerKind } from './types.ts';

/** How ringing and announcements are heard: a sound, and a spoken line. */
export interface Announcer {
  /** Play the ring sound once; resolves when it has played (at once with no speaker attached). */
  sound(kind: TimerKind, signal: AbortSignal): Promise<void>;
  /**
   * Speak a line; resolves once spoken, or at once when Kiwi has no voice. Aborting stops it.
   * 'stopped': someone stopped Kiwi's speech while it played (the tray's or dashboard's Stop).
   */
  say(text: string, signal: AbortSignal): Promise<void | 'stopped'>;
}

/** Rejects with the signal's reason once it aborts. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/**
 * The announcer of a running Kiwi: sounds go to every audio sink, lines are spoken by the engine
 * as a turn of their own, so the state is SPEAKING while a line plays, the voice loop treats
 * what the microphone hears then as echo unless someone barges in, and barge-in stops the line.
 */
export function engineAnnouncer(deps: { engine: () => Engine; hub: AudioHub; bus: Pick<EventBus, 'subscribe'> }): Announcer {
  return {
    async sound(kind, signal) {
      // Twice, each clip under a second (see sound.ts).
      for (let i = 0; i < 2; i++) await deps.hub.play(ringSound(kind), signal);
    },
    async say(text, signal) {
      const engine = deps.engine();
      if (!engine.parts.tts) return; // no voice: the sound and the events carry it
      signal.throwIfAborted();
      // A spoken command (the user's "stop", "what time is it"), another line or barge-in takes over
      // from the line; stopping the ringing must then not stop what took over.
      let superseded = false;
      let line: string | null = null;
      const off = deps.bus.subscribe((e) => {
        if (e.event === 'COMMAND_RECEIVED' || e.event === 'BARGE_IN' || e.event === 'SERVICE_RESTART' || e.event === 'SERVICE_SHUTDOWN') superseded = true;
        else if (e.event === 'TTS_STARTED' && line !== null && e.data.turn_id !== line) superseded = true;
      });
      const onAbort = () => {
        if (!superseded) engine.stop();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      let interrupted = false;
      try {
        const spoken = engine.speak(text);
        line = spoken.id;
        const outcome = spoken.done.then((o) => (interrupted = o.interrupted));
        await Promise.race([Promise.all([outcome, engine.idle()]), whenAborted(signal)]);
      } finally {
        off();
        signal.removeEventListener('abort', onAbort);
      }
      // Cut off by nobody we know of: Kiwi's Stop (tray, dashboard, the web microphone's stop) was pressed.
      return interrupted && !superseded ? 'stopped' : undefined;
    },
  };
}
