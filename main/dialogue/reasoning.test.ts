import { describe, expect, it } from 'vitest';
import { ReasoningFilter } from './reasoning.ts';

/** The visible text of `tokens`, fed one by one. */
const visible = (tokens: string[]) => {
  const filter = new ReasoningFilter();
  return tokens.map((t) => filter.push(t)).join('') + filter.end();
};

describe('ReasoningFilter', () => {
  it('drops a <think> block, wherever the tokens split its tags', () => {
    const answer = '<think>\nThe user greets me. Be brief.\n</think>\n\nHello! Nice to meet you.';
    expect(visible([answer])).toBe('\n\nHello! Nice to meet you.');
    // every split point of the whole answer, and one character at a time
    for (let i = 1; i < answer.length; i++) expect(visible([answer.slice(0, i), answer.slice(i)])).toBe('\n\nHello! Nice to meet you.');
    expect(visible([...answer])).toBe('\n\nHello! Nice to meet you.');
  });

  it('knows <thinking> too, in any case, and more than one block', () => {
    expect(visible(['<THINKING>plan</Thinking>Yes. ', '<think>again</think>', 'No.'])).toBe('Yes. No.');
  });

  it('keeps text that only looks like the start of a tag', () => {
    expect(visible(['a <', 'b and 2 <th', 'ree'])).toBe('a <b and 2 <three');
    expect(visible(['x <thi'])).toBe('x <thi');
  });

  it('an unclosed block (cut off while thinking) leaves nothing', () => {
    expect(visible(['Sure. <think>let me', ' consider </thi'])).toBe('Sure. ');
  });
});
