import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pcm } from '../../../engine/stages.ts';
import { resampleFile } from '../../../engine/models/testing/speech.ts';

const CHORDS = ['C4 E4 G4', 'F4 A4 C5', 'G3 B3 D4', 'A3 C4 E4', 'D4 F4 A4', 'G3 B3 F4', 'C4 E4 G4', 'E4 G4 B4'];

/**
 * 5.2 s of music made with sox: eight strummed chords with tremolo and gaps between them. Loud and
 * far from steady, so the energy check of enrolmentClip takes 5.1 s of it for voice; the VAD hears none.
 */
export function chordMelody(): Pcm {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kiwi-music-'));
  try {
    const files = CHORDS.map((chord, i) => {
      const file = path.join(dir, `chord${i}.wav`);
      const tones = chord.split(' ').flatMap((note) => ['sawtooth', note]);
      execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', file, 'synth', '0.55', ...tones, 'remix', '-', 'gain', '-12', 'fade', 'h', '0.03', '0.55', '0.25', 'tremolo', '5', '30', 'pad', '0', '0.1']);
      return file;
    });
    const out = path.join(dir, 'melody.wav');
    execFileSync('sox', [...files, out]);
    return { samples: resampleFile(out, 16000), sampleRate: 16000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
