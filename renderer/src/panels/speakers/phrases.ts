/** What a new speaker reads aloud: varied sounds, a few seconds each, so the voice profile is robust. */
export const ENROLL_PHRASES = [
  'Kiwi, what is the weather going to be like tomorrow morning?',
  'Please turn on the lights in the living room and play some music.',
  'My voice is unique, and Kiwi should recognise it from now on.',
];

/** Seconds recorded per phrase. */
export const CLIP_SECONDS = 5;
