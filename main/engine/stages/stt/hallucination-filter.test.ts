import { describe, expect, it } from 'vitest';
import { cleanTranscript, collapseRuns, isRepetitionLoop, normalize, type PhantomList, speechSeconds } from './hallucination-filter.ts';

const RATE = 16000;

/** A tone burst pattern: `on` seconds of a 200 Hz tone at `db` dBFS, then `off` seconds quieter. */
function bursts(pattern: Array<[seconds: number, db: number]>, noiseDb = -90): Float32Array {
  const total = pattern.reduce((n, [s]) => n + Math.round(s * RATE), 0);
  const out = new Float32Array(total);
  let at = 0;
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const noiseAmp = 10 ** (noiseDb / 20) * Math.sqrt(3); // uniform noise with that RMS
  for (const [seconds, db] of pattern) {
    const amp = 10 ** (db / 20) * Math.SQRT2; // sine with that RMS
    for (let i = 0; i < Math.round(seconds * RATE); i += 1, at += 1) out[at] = amp * Math.sin((2 * Math.PI * 200 * at) / RATE) + noiseAmp * noise();
  }
  return out;
}

describe('speechSeconds', () => {
  it('hears nothing in digital silence, or in steady noise of any level', () => {
    expect(speechSeconds({ samples: new Float32Array(RATE * 2), sampleRate: RATE })).toBe(0);
    for (const db of [-60, -40, -25, -12]) {
      expect(speechSeconds({ samples: bursts([[2, -200]], db), sampleRate: RATE }), `${db} dB`).toBeLessThan(0.05);
    }
  });

  it('counts the loud stretches above the noise floor', () => {
    const samples = bursts([
      [0.5, -200],
      [0.4, -20],
      [0.3, -200],
      [0.2, -22],
      [0.5, -200],
    ], -50);
    expect(speechSeconds({ samples, sampleRate: RATE })).toBeCloseTo(0.6, 1);
  });

  it('ignores a click or a short cough', () => {
    const samples = bursts([
      [0.8, -200],
      [0.1, -10],
      [0.8, -200],
    ], -55);
    expect(speechSeconds({ samples, sampleRate: RATE })).toBeLessThan(0.3);
  });

  it('keeps quiet speech in a quiet room, drops the same level under the absolute floor', () => {
    const quiet = bursts([[0.5, -200], [0.6, -45], [0.5, -200]], -70);
    expect(speechSeconds({ samples: quiet, sampleRate: RATE })).toBeGreaterThan(0.5);
    const tooQuiet = bursts([[0.5, -200], [0.6, -62], [0.5, -200]], -80);
    expect(speechSeconds({ samples: tooQuiet, sampleRate: RATE })).toBe(0);
  });

  it('works at other sample rates and on empty input', () => {
    const at8k = bursts([[0.5, -200], [0.5, -20], [0.5, -200]], -60).filter((_, i) => i % 2 === 0);
    expect(speechSeconds({ samples: at8k, sampleRate: 8000 })).toBeCloseTo(0.5, 1);
    expect(speechSeconds({ samples: new Float32Array(0), sampleRate: RATE })).toBe(0);
  });
});

describe('repetition loops', () => {
  it('finds whole-text loops of words or characters', () => {
    expect(isRepetitionLoop('you you you you')).toBe(true);
    expect(isRepetitionLoop('You, you, you, you, you.')).toBe(true);
    expect(isRepetitionLoop('thank you thank you thank you thank you')).toBe(true);
    expect(isRepetitionLoop('谢谢谢谢谢谢谢谢')).toBe(true);
    expect(isRepetitionLoop('no no no')).toBe(false);
    expect(isRepetitionLoop('turn on the lights')).toBe(false);
    expect(isRepetitionLoop('谢谢')).toBe(false);
  });

  it('collapses a loop inside longer text to one copy', () => {
    expect(collapseRuns('turn on the light light light light light')).toBe('turn on the light');
    expect(collapseRuns('set a timer for five minutes, five minutes, five minutes, five minutes')).toBe('set a timer for five minutes,');
    expect(collapseRuns('no no no, stop')).toBe('no no no, stop');
  });
});

describe('cleanTranscript', () => {
  const list = (phrases: string[], markers: string[]): PhantomList => ({ phrases: phrases.map(normalize), markers: markers.map(normalize) });
  const en = list(['thank you for watching', 'please subscribe'], ['amara.org', 'transcribed by']);
  const ru = list(['спасибо за просмотр'], ['субтитры сделал']);
  const zh = list(['谢谢观看'], ['明镜与点点']);

  it('drops whole phantom sentences and keeps the command around them', () => {
    expect(cleanTranscript('Thank you for watching!', [en])).toBe('');
    expect(cleanTranscript('Turn on the lights. Thank you for watching.', [en])).toBe('Turn on the lights.');
    expect(cleanTranscript('Субтитры сделал DimaTorzok', [ru])).toBe('');
    expect(cleanTranscript('Включи свет. Спасибо за просмотр!', [ru, en])).toBe('Включи свет.');
    expect(cleanTranscript('Subtitles by the Amara.org community', [en])).toBe('');
  });

  it('matches phrases only as whole sentences, markers as whole words', () => {
    expect(cleanTranscript('Thank you for watching the kids', [en])).toBe('Thank you for watching the kids');
    expect(cleanTranscript('Thank you', [en])).toBe('Thank you');
    expect(cleanTranscript('Play the amaranth song', [en])).toBe('Play the amaranth song');
  });

  it('handles scripts without spaces', () => {
    expect(cleanTranscript('谢谢观看。', [zh])).toBe('');
    expect(cleanTranscript('打开灯。请不吝点赞 订阅 转发 打赏支持明镜与点点栏目', [zh])).toBe('打开灯。');
  });

  it('drops pure punctuation, symbols and loops', () => {
    for (const text of ['', '.', '...', '♪ ♪', ' - ', 'you you you you you', '?!']) expect(cleanTranscript(text, [en]), text).toBe('');
    expect(cleanTranscript('What time is it?', [en])).toBe('What time is it?');
  });
});
