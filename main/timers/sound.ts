import type { Pcm } from '../engine/stages.ts';
import type { TimerKind } from './types.ts';
import { SAMPLE_RATE } from '../contract/audio.ts';

/**
 * The ring sounds, generated like the wake cue (main/engine/audio/cue.ts): no asset files, soft
 * edges so they do not click. Each clip stays under a second from first to last tone: Kiwi's
 * self-voice filter learns from played audio with at least a second of sound, and a beep must
 * not become part of Kiwi's voice print.
 */
const RATE = SAMPLE_RATE;

function tone(hz: number, ms: number, level: number): Float32Array {
  const n = Math.round((RATE * ms) / 1000);
  const fade = Math.round(RATE * 0.008);
  return Float32Array.from({ length: n }, (_, i) => {
    const edge = Math.min(1, i / fade, (n - i) / fade);
    // A little of the octave above makes the beep cut through a room without being harsh.
    return level * edge * (0.8 * Math.sin((2 * Math.PI * hz * i) / RATE) + 0.2 * Math.sin((4 * Math.PI * hz * i) / RATE));
  });
}

const gap = (ms: number) => new Float32Array(Math.round((RATE * ms) / 1000));

function join(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Alarms: three quick high beeps. Timers: two beeps. Reminders: a falling two-note chime. */
export function ringSound(kind: TimerKind): Pcm {
  let samples: Float32Array;
  if (kind === 'alarm') samples = join([tone(1000, 150, 0.3), gap(100), tone(1000, 150, 0.3), gap(100), tone(1000, 150, 0.3), gap(200)]);
  else if (kind === 'timer') samples = join([tone(880, 180, 0.28), gap(120), tone(880, 180, 0.28), gap(300)]);
  else samples = join([tone(988, 220, 0.25), gap(60), tone(784, 320, 0.25), gap(250)]);
  return { samples, sampleRate: RATE };
}
