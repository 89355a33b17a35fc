import type { Pcm } from '../../stages.ts';

/**
 * The labelled speech the speaker benchmark and the speaker model tests use: each of the five
 * Kokoro voices says the enrolment sentences (a profile is made from them, as a person enrols
 * with a few sentences) and the short commands (what identification has to work on: 1-2 s).
 */
export const ENROL_SENTENCES = [
  'The quick brown fox jumps over the lazy dog near the river bank.',
  'Please remind me to call my sister tomorrow morning at nine.',
  'I would like a cup of tea and some biscuits this afternoon.',
];

export const SHORT_COMMANDS = [
  'Kiwi, lights on.',
  'What time is it?',
  'Stop the music.',
  'Good morning.',
  'Turn off the kitchen lights.',
  'Set a timer for five minutes.',
  'Kiwi, what is the weather?',
  'Play some jazz.',
  'Call my sister.',
  'How warm is it outside?',
];

let seed = 7;
const hiss = (seconds: number) => Float32Array.from({ length: Math.round(seconds * 16000) }, () => 0.004 * ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5));

/** A 16 kHz clip as the listening loop delivers it: pre-roll and end-of-speech silence with a little room noise. */
export function asSegment(clip: Pcm): Pcm {
  const out = new Float32Array(clip.samples.length + 16000 * 1.2);
  out.set(hiss(0.5));
  out.set(clip.samples, 8000);
  out.set(hiss(0.7), 8000 + clip.samples.length);
  return { samples: out, sampleRate: clip.sampleRate };
}
