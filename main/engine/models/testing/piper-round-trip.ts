import type { Pcm } from '../../stages.ts';

/** The sentence both Piper round-trip tests speak (the onnx-piper engine and sherpa's VITS adapter). */
export const ROUND_TRIP_TEXT = 'Please set a timer for ten minutes and turn off the kitchen lights.';

const WANTED = ['timer', 'minutes', 'kitchen', 'lights'];

/** The words of ROUND_TRIP_TEXT that `heard` lacks ("ten" may be written "10"). */
export function missingWords(heard: string): string[] {
  const got = new Set(heard.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean));
  return [...WANTED.filter((w) => !got.has(w)), ...(got.has('ten') || got.has('10') ? [] : ['ten'])];
}

/**
 * Piper draws fresh noise for every rendering, and Whisper tiny.en now and then mishears one
 * ("Police at a time are for 10 minutes…", about 1 run in 8): the words must come through whole
 * in one of up to three renderings. A voice that says the wrong words fails all three. Returns
 * what was heard, in order; the last one is the one to judge.
 */
export async function hearRoundTrip(render: () => Promise<Pcm>, hear: (audio: Pcm) => Promise<string>, tries = 3): Promise<string[]> {
  const heard = [await hear(await render())];
  while (missingWords(heard.at(-1)!).length > 0 && heard.length < tries) heard.push(await hear(await render()));
  return heard;
}
