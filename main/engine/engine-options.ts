import type { Config } from '../contract/config.ts';
import type { Clock } from '../platform/clock.ts';
import type { AudioHub } from './audio/audio-hub.ts';
import type { EventBus } from './events/event-bus.ts';
import type { HandsFreeGate } from './listening/hands-free.ts';
import type { ReplyPreview, SpeakerIdentifier, TurnHandler } from './listening/turn.ts';
import type { WakeMatcher } from './listening/wake-decision.ts';
import type { BuiltParts } from './parts.ts';
import type { PartName } from './stages.ts';

/** What a typed turn answers. */
export interface ChatAnswer {
  command: string | null;
  reply: string | null;
  /** Why the turn was cut short (stop, a newer turn): command and reply are still what ran. */
  interrupted?: string;
  turn_id: string;
}

export interface EngineOptions {
  config: () => Config;
  bus: EventBus;
  hub: AudioHub;
  /** The audio models to run on: the runtime owns them (and disposes them); the engine only uses them. */
  built: BuiltParts;
  /** Stages being rebuilt right now → why: they answer 503 `rebuilding` until the next engine has them. */
  rebuilding?: Partial<Record<PartName, string>>;
  /** What to do with a command; without one, commands are recognised but not answered. */
  handler?: TurnHandler;
  /** A read-only command's reply, known from an early transcript: synthesised before the turn asks for it. */
  preview?: ReplyPreview;
  identifier?: SpeakerIdentifier;
  /** Owner hands-free (the runtime owns it: it outlives engines). */
  handsFree?: HandsFreeGate;
  /** Finds the wake word in a transcript (the `text` engine, and stripping it from commands); default: the locale-aware matcher. */
  matchWake?: WakeMatcher;
  /** Turn timings, the capture window and the audio inputs' real-time pacing; default: the system clock (tests inject a manual one). */
  clock?: Clock;
}
