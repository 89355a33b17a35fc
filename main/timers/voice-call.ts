import type { TurnAnswer, TurnRequest } from '../engine/listening/turn.ts';
import type { Actor } from './policy.ts';
import type { TimerSpeech } from './speech.ts';

/** One spoken turn as the timer handlers see it: who asked, in which language, and when. */
export interface Call {
  request: TurnRequest;
  actor: Actor;
  speech: TimerSpeech;
  now: number;
}

/** Lists longer than this are summed up: how many, and the next three. */
export const LIST_MAX = 5;

export const reply = (command: string, text: string | null): TurnAnswer => ({ command, reply: text === null ? null : [text] });
