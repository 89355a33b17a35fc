import { describe, expect, it } from 'vitest';
import { BufferedChunks } from './buffered-chunks.ts';

/** A source whose items the test hands out one by one. */
function gate<T>() {
  const queue: Array<{ item?: T; error?: Error; end?: boolean }> = [];
  let wake: (() => void) | null = null;
  const push = (entry: (typeof queue)[number]) => {
    queue.push(entry);
    wake?.();
  };
  async function* source(): AsyncGenerator<T> {
    for (;;) {
      while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift()!;
      if (next.error) throw next.error;
      if (next.end) return;
      yield next.item!;
    }
  }
  return { source: source(), give: (item: T) => push({ item }), fail: (error: Error) => push({ error }), end: () => push({ end: true }) };
}

async function take<T>(reader: AsyncIterator<T>): Promise<T | 'done'> {
  const next = await reader.next();
  return next.done ? 'done' : next.value;
}

describe('a source read once, for several readers', () => {
  it('gives every reader all items from the first, including those that come while it waits', async () => {
    const { source, give, end } = gate<string>();
    const chunks = new BufferedChunks(source);
    give('a');
    await chunks.first();
    const early = chunks.read();
    expect(await take(early)).toBe('a');
    const waiting = take(early);
    give('b');
    expect(await waiting).toBe('b');
    end();
    await chunks.ended;
    expect(await take(early)).toBe('done');
    const late: string[] = [];
    for await (const item of chunks.read()) late.push(item);
    expect(late).toEqual(['a', 'b']);
    expect(await chunks.all()).toEqual(['a', 'b']);
  });

  it('pumps the source without waiting for readers', async () => {
    let made = 0;
    const chunks = new BufferedChunks(
      (async function* () {
        for (; made < 3; made += 1) yield made;
      })(),
    );
    await chunks.ended;
    expect(made).toBe(3);
  });

  it("readers get the items before a failure, then the source's error; first() rejects only when nothing came", async () => {
    const { source, give, fail } = gate<string>();
    const chunks = new BufferedChunks(source);
    give('a');
    fail(new Error('voice failed'));
    await expect(chunks.ended).rejects.toThrow('voice failed');
    await expect(chunks.first()).resolves.toBeUndefined();
    const reader = chunks.read();
    expect(await take(reader)).toBe('a');
    await expect(take(reader)).rejects.toThrow('voice failed');

    const empty = gate<string>();
    const failed = new BufferedChunks(empty.source);
    empty.fail(new Error('no voice'));
    await expect(failed.first()).rejects.toThrow('no voice');
    await expect(failed.all()).rejects.toThrow('no voice');
  });
});
