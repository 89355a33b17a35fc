import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseOrThrow } from './validate.ts';

describe('parseOrThrow', () => {
  const Body = z.object({ text: z.string(), limit: z.number().optional() });
  const messageOf = (value: unknown) => {
    try {
      parseOrThrow(Body, value, 'request body');
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('names the key that is wrong', () => {
    expect(messageOf({ text: 5 })).toBe('Invalid request body: text: Invalid input: expected string, received number');
  });

  it('a whole value of the wrong kind is said once ("…body: body: …" before)', () => {
    expect(messageOf(null)).toBe('Invalid request body: Invalid input: expected object, received null');
  });
});
