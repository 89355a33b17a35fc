import { describe, expect, it } from 'vitest';
import { chunkRanges } from './whisper-chunks.ts';
import { argmaxAmong, endsInLoop, isNoSpeech, logprobOf, pickToken, plainWords, probabilityOf, restartsAt, tokenBudget } from './whisper-greedy.ts';
import { decodeByteLevel, WhisperVocabulary } from './whisper-vocabulary.ts';

/** A vocabulary laid out like Whisper's: text tokens, then the specials, padded to `size`. */
function vocabulary(size: number, languages: string[]): string[] {
  const text = ['!', 'Hello', 'Ġworld', 'Ġ', 'Ã©', 'ä½łå¥½'];
  const specials = ['<|endoftext|>', '<|startoftranscript|>', ...languages.map((l) => `<|${l}|>`), '<|translate|>', '<|transcribe|>', '<|startoflm|>', '<|startofprev|>', '<|nocaptions|>', '<|notimestamps|>'];
  const out = [...text, ...specials];
  while (out.length < size) out.push(`<|${((out.length - text.length) * 0.02).toFixed(2)}|>`);
  return out;
}

describe('WhisperVocabulary', () => {
  it('finds the special tokens by name and decodes byte-level text', () => {
    const v = WhisperVocabulary.parse(`${vocabulary(51864, ['en', 'zh', 'de']).join('\n')}\n`);
    expect(v.size).toBe(51864);
    expect(v.specials).toEqual({ eot: 6, sot: 7, transcribe: 12, noTimestamps: 16, noSpeech: 15 });
    expect(v.decode([1, 2, 4])).toBe('Hello worldé');
    expect(v.decode([5])).toBe('你好');
    expect(v.decode([1, 6, 9])).toBe('Hello'); // specials never become text
  });

  it('treats a 51864-token vocabulary as English-only, even though it lists language tokens', () => {
    const v = new WhisperVocabulary(vocabulary(51864, ['en', 'zh', 'de']));
    expect(v.multilingual).toBe(false);
    expect(v.languages.size).toBe(0);
    expect(v.prompt(undefined)).toEqual([7, 16]);
  });

  it('treats 51865+ tokens as multilingual, with a language and task in the prompt', () => {
    const v = new WhisperVocabulary(vocabulary(51865, ['en', 'zh', 'de', 'haw']));
    expect(v.multilingual).toBe(true);
    expect([...v.languages]).toEqual([
      ['en', 8],
      ['zh', 9],
      ['de', 10],
      ['haw', 11],
    ]);
    expect(v.prompt(10)).toEqual([7, 10, 13, 17]);
  });

  it('encodes text as tiktoken does: the pair whose joined token has the lowest id merges first', () => {
    // Single bytes, then merges in rank order: 'wi' before 'iw', so " Kiwi" is Ġ K i w i → Ġ K i wi → ĠK i wi.
    const v = new WhisperVocabulary(['Ġ', 'K', 'i', 'w', '.', 'wi', 'iw', 'ĠK', ...vocabulary(51864, ['en']).slice(6)]);
    expect(v.encode(' Kiwi')).toEqual([7, 2, 5]);
    expect(v.encode(' Kiwi.')).toEqual([7, 2, 5, 4]); // punctuation is its own piece, never merged into the word
    expect(v.decode(v.encode(' Kiwi.'))).toBe('Kiwi.');
    expect(() => v.encode('Kiwi!')).toThrow(/cannot write "!"/);
  });

  it('refuses a vocabulary without the tokens decoding needs', () => {
    expect(() => new WhisperVocabulary(['a', 'b', '<|endoftext|>'])).toThrow(/startoftranscript/);
  });

  it('survives a byte sequence cut in the middle of a character', () => {
    expect(decodeByteLevel('ä½')).toBe('\uFFFD');
  });
});

describe('greedy decoding helpers', () => {
  const rules = { eot: 5, suppress: [1], suppressAtBegin: [2, 5] };

  it('picks the best text token, never a special or suppressed one', () => {
    const logits = Float32Array.from([0, 9, 3, 1, 0, 2, 50, 40]);
    expect(pickToken(logits.slice(), rules, false).id).toBe(2);
    expect(pickToken(logits.slice(), rules, true).id).toBe(3); // a blank or the end cannot come first
    const end = Float32Array.from([0, 0, 0, 0, 0, 8, 0]);
    const picked = pickToken(end, rules, false);
    expect(picked.id).toBe(5);
    expect(picked.logprob).toBeLessThan(0);
    expect(picked.logprob).toBeGreaterThan(-0.01);
  });

  it('weighs a token it would not pick among the same allowed tokens, and a forbidden one as impossible', () => {
    const logits = Float32Array.from([0, 9, Math.log(3), 0, 0, 0, 50, 40]); // allowed: 0, 2, 3, 4 and the end (1 suppressed, 6+ special)
    expect(logprobOf(logits.slice(), 0, rules, false)).toBeCloseTo(Math.log(1 / 7), 5);
    expect(logprobOf(logits.slice(), 2, rules, false)).toBeCloseTo(Math.log(3 / 7), 5);
    expect(logprobOf(logits.slice(), 2, rules, true)).toBe(-Infinity); // not allowed first
    expect(logprobOf(logits.slice(), 1, rules, false)).toBe(-Infinity);
  });

  it('computes probabilities, argmax among a subset and the no-speech rule', () => {
    const logits = Float32Array.from([0, Math.log(3), 0, 5]);
    expect(probabilityOf(logits, 1, [0, 1])).toBeCloseTo(0.75, 5);
    expect(probabilityOf(Float32Array.from([0, 0]), 0)).toBeCloseTo(0.5, 5);
    expect(argmaxAmong(logits, [0, 1, 2])).toBe(1);
    expect(isNoSpeech(0.9, -1.5)).toBe(true);
    expect(isNoSpeech(0.9, -0.3)).toBe(false);
    expect(isNoSpeech(0.2, -2)).toBe(false);
  });

  it('notices a loop at the end of the tokens', () => {
    expect(endsInLoop([1, 2, 3, 7, 7, 7, 7, 7, 7])).toBe(true);
    expect(endsInLoop([9, ...Array.from({ length: 6 }, () => [4, 5, 6]).flat()])).toBe(true);
    expect(endsInLoop([7, 7, 7, 7, 7])).toBe(false);
    expect(endsInLoop([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).toBe(false);
  });

  it('budgets tokens by duration: room for fast speech, a short end to a loop, never over 224', () => {
    // Fast speech: ~5 words a second at up to 2 BPE tokens a word (languages the vocabulary splits finely).
    const fastSpeech = (seconds: number) => Math.ceil(seconds * 5 * 2);
    let previous = 0;
    for (let seconds = 0.5; seconds <= 60; seconds += 0.5) {
      const budget = tokenBudget(seconds);
      expect(budget, `${seconds} s`).toBeGreaterThanOrEqual(Math.min(224, fastSpeech(seconds)));
      expect(budget, `${seconds} s`).toBeGreaterThanOrEqual(previous); // longer audio never gets less
      expect(budget, `${seconds} s`).toBeLessThanOrEqual(224); // Whisper's own limit for a window (448 positions, half for the prompt)
      previous = budget;
    }
    // A loop on two seconds of noise ends well before Whisper's limit…
    expect(tokenBudget(2)).toBeLessThan(224 / 4);
    // …while a full window may use all of it.
    expect(tokenBudget(30)).toBe(224);
  });
});

describe('chunkRanges', () => {
  const RATE = 16000;

  it('keeps audio up to 30 s whole', () => {
    expect(chunkRanges(new Float32Array(RATE * 30))).toEqual([[0, RATE * 30]]);
    expect(chunkRanges(new Float32Array(0))).toEqual([[0, 0]]);
  });

  it('cuts longer audio in the quiet place before each 30 s mark', () => {
    const samples = new Float32Array(RATE * 70).fill(0.3);
    samples.fill(0, 27 * RATE, Math.round(27.3 * RATE)); // a pause at 27 s
    samples.fill(0, 52 * RATE, Math.round(52.3 * RATE)); // and at 52 s
    const ranges = chunkRanges(samples);
    expect(ranges).toHaveLength(3);
    expect(ranges[0]![1] / RATE).toBeGreaterThanOrEqual(27);
    expect(ranges[0]![1] / RATE).toBeLessThanOrEqual(27.3);
    expect(ranges[1]![1] / RATE).toBeGreaterThanOrEqual(52);
    expect(ranges[1]![1] / RATE).toBeLessThanOrEqual(52.3);
    expect(ranges[2]![1]).toBe(samples.length);
    for (let i = 1; i < ranges.length; i += 1) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
    for (const [from, to] of ranges) expect(to - from).toBeLessThanOrEqual(30 * RATE);
  });
});

describe('restartsAt: Whisper saying a short utterance again', () => {
  it('finds where the text starts over once three words repeat the opening', () => {
    expect(restartsAt(plainWords('Tell me a joke. Tell me a'))).toBe(4);
    expect(restartsAt(plainWords('turn on the kitchen lights turn on the'))).toBe(5);
    expect(restartsAt(plainWords('Tell me a joke. Tell me'))).toBeNull(); // two words are not yet a repeat
  });

  it('finds a run of words said twice in a row at the end', () => {
    expect(restartsAt(plainWords('Kiwi, what time is it? What time is it?'))).toBe(5);
    expect(restartsAt(plainWords('the weather today play some music play some music'))).toBe(6);
  });

  it('finds a word said again at once ("Kiwi Kiwi", "Stop! Stop!")', () => {
    expect(restartsAt(plainWords('Kiwi Kiwi'))).toBe(1);
    expect(restartsAt(plainWords('Stop! Stop!'))).toBe(1);
    expect(restartsAt(plainWords('Key we stop stop'))).toBe(3);
  });

  it('leaves text without a repeat alone', () => {
    for (const text of ['what is what', 'set a timer for ten minutes', 'I said what I said', 'turn it on and turn it off']) {
      expect(restartsAt(plainWords(text)), text).toBeNull();
    }
  });

  it('compares words, not punctuation or case', () => {
    expect(plainWords('Kiwi, what\'s the time?')).toEqual(['kiwi', "what's", 'the', 'time']);
  });
});
