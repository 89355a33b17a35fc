import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { OUTPUT_DIR } from './kiwi-server.ts';

/**
 * A WAV for Chromium's fake microphone (--use-file-for-fake-audio-capture): silence, the phrase
 * spoken by espeak-ng, then silence so the end of speech is clear. 16 kHz mono s16le.
 */
export function speechWav(name: string, text: string): string {
  const spoken = path.join(OUTPUT_DIR, `${name}.speech.wav`);
  const wav = path.join(OUTPUT_DIR, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', spoken, text]);
  execFileSync('sox', [spoken, '-r', '16000', '-c', '1', '-b', '16', wav, 'pad', '1', '2.5']);
  return wav;
}

export const fakeMicrophone = (wav: string) => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
  '--autoplay-policy=no-user-gesture-required',
];
