import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.ts';

describe('splitSentences', () => {
  it('splits at sentence ends and keeps the punctuation', () => {
    expect(splitSentences('Hello there. How are you? Fine!  Thanks…')).toEqual(['Hello there.', 'How are you?', 'Fine!', 'Thanks…']);
  });

  it('does not split after abbreviations, initials or inside numbers', () => {
    expect(splitSentences('Dr. Smith met J. Doe at 3.5 p.m. today. Then he left.')).toEqual([
      'Dr. Smith met J. Doe at 3.5 p.m. today.',
      'Then he left.',
    ]);
  });

  it('splits CJK text at full-width stops without spaces', () => {
    expect(splitSentences('你好。今天天气很好！我们走吧')).toEqual(['你好。', '今天天气很好！', '我们走吧']);
  });

  it('treats paragraphs and list items as boundaries and drops pieces without words', () => {
    expect(splitSentences('First paragraph\n\nSecond one\n- item one\n- item two\n\n...')).toEqual([
      'First paragraph',
      'Second one',
      '- item one',
      '- item two',
    ]);
    expect(splitSentences(' ... !! ')).toEqual([]);
  });

  it('cuts an overlong sentence at commas or spaces, never losing text', () => {
    const long = Array.from({ length: 30 }, (_, i) => `clause number ${i}`).join(', ') + '.';
    const parts = splitSentences(long, 80);
    expect(parts.length).toBeGreaterThan(4);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(80);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(long);
    const noBreaks = 'x'.repeat(250);
    expect(splitSentences(noBreaks, 100)).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(50)]);
  });
});
