import { describe, expect, it } from 'vitest';
import { KiwiError } from '../platform/errors.ts';
import { ApprovalBook, type Approval, type HeldRequest } from './approvals.ts';
import { ManualClock } from './testing/manual-clock.ts';

const held = (text: string, speakerId: string | null = 'spk_002'): HeldRequest => ({
  text,
  language: 'en',
  speaker: speakerId ? { id: speakerId, name: 'Anna', priority: 1, confidence: 0.9, blocked: false } : null,
  source: 'mic',
  role: speakerId ? 'friend' : 'unknown',
});

function makeBook(options: { timeoutMs?: number; maxPending?: number } = {}) {
  const clock = new ManualClock();
  const expired: Approval[] = [];
  const book = new ApprovalBook({
    clock,
    timeoutMs: () => options.timeoutMs ?? 120_000,
    maxPending: () => options.maxPending ?? 10,
    onExpired: (a) => expired.push(a),
  });
  return { clock, book, expired };
}

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof KiwiError ? err.status : -1;
  }
  return 200;
};

describe('approval book', () => {
  it('keeps several requests pending, each with an unguessable id and a small number', () => {
    const { book, clock } = makeBook();
    const a = book.request(held('buy a new phone'), 'dangerous', null)!.approval;
    const b = book.request(held('order a pizza', 'spk_003'), 'dangerous', null)!.approval;
    const c = book.request(held('delete all my photos'), 'dangerous', null)!.approval;
    expect(book.pending().map((x) => x.number)).toEqual([1, 2, 3]);
    for (const x of [a, b, c]) expect(x.id).toMatch(/^apr_[0-9a-f]{16}$/);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(a).toMatchObject({ status: 'pending', createdAt: clock.now(), expiresAt: clock.now() + 120_000, resolvedAt: null });
    expect(book.get(b.id)).toBe(b);
    expect(book.byNumber(3)).toBe(c);
  });

  it('reuses a number only once its request has been finished for a whole answer window', () => {
    const { book, clock } = makeBook({ timeoutMs: 120_000 });
    const a = book.request(held('buy a new phone'), 'dangerous', null)!.approval;
    book.request(held('order a pizza'), 'dangerous', null);
    book.resolve(a.id, 'denied', { channel: 'api', who: 'test' });
    expect(book.request(held('open the garage'), 'critical', null)!.approval.number).toBe(3);
    expect(book.recentlyFinished(1)).toBe(a);
    clock.advance(120_000);
    expect(book.recentlyFinished(1)).toBeNull();
    expect(book.request(held('unlock the door'), 'critical', null)!.approval.number).toBe(1);
  });

  it('keeps an expired number out of use, so a late "approve one" cannot reach a newer request', () => {
    const { book, clock } = makeBook({ timeoutMs: 30_000 });
    const a = book.request(held('buy a new phone'), 'dangerous', null)!.approval;
    clock.advance(30_000);
    expect(a.status).toBe('expired');
    // the quiet period is at least a minute, even with a shorter answer window
    clock.advance(29_000);
    expect(book.request(held('order a pizza'), 'dangerous', null)!.approval.number).toBe(2);
    expect(book.byNumber(1)).toBeNull();
    expect(book.recentlyFinished(1)).toBe(a);
  });

  it('does not open a second approval for the same request from the same speaker', () => {
    const { book } = makeBook();
    const first = book.request(held('Buy a new phone'), 'dangerous', null)!;
    const again = book.request(held('buy a new phone '), 'dangerous', null)!;
    expect(first.created).toBe(true);
    expect(again).toEqual({ approval: first.approval, created: false });
    expect(book.request(held('buy a new phone', 'spk_009'), 'dangerous', null)!.created).toBe(true);
  });

  it('refuses new requests once max_pending are waiting', () => {
    const { book } = makeBook({ maxPending: 2 });
    expect(book.request(held('one'), 'warning', null)).not.toBeNull();
    expect(book.request(held('two'), 'warning', null)).not.toBeNull();
    expect(book.request(held('three'), 'warning', null)).toBeNull();
  });

  it('expires a request when its time is up, not before, and tells the listener once', () => {
    const { book, clock, expired } = makeBook({ timeoutMs: 60_000 });
    const a = book.request(held('order a pizza'), 'dangerous', null)!.approval;
    clock.advance(30_000);
    const b = book.request(held('buy a new phone'), 'dangerous', null)!.approval;
    clock.advance(29_999);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toEqual([a]);
    expect(a).toMatchObject({ status: 'expired', resolvedAt: clock.now(), resolvedBy: null });
    expect(book.pending()).toEqual([b]);
    clock.advance(30_000);
    expect(expired).toEqual([a, b]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('approves and denies by id with who answered; answering twice, late or unknown is 409 / 404', () => {
    const { book, clock, expired } = makeBook({ timeoutMs: 1000 });
    const a = book.request(held('order a pizza'), 'dangerous', null)!.approval;
    const b = book.request(held('buy a phone'), 'dangerous', null)!.approval;
    clock.advance(10);
    expect(book.resolve(a.id, 'approved', { channel: 'telegram', who: '42' })).toMatchObject({
      status: 'approved',
      resolvedBy: { channel: 'telegram', who: '42' },
      resolvedAt: clock.now(),
    });
    expect(statusOf(() => book.resolve(a.id, 'denied', { channel: 'api', who: 'x' }))).toBe(409);
    clock.advance(1000);
    expect(expired).toEqual([b]); // a's timer was cleared when it was approved
    expect(statusOf(() => book.resolve(b.id, 'approved', { channel: 'api', who: 'x' }))).toBe(409);
    expect(statusOf(() => book.resolve('apr_0000000000000000', 'approved', { channel: 'api', who: 'x' }))).toBe(404);
  });

  it('clears every timer on dispose', () => {
    const { book, clock, expired } = makeBook();
    book.request(held('a'), 'warning', null);
    book.request(held('b'), 'warning', null);
    book.dispose();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10 * 60_000);
    expect(expired).toEqual([]);
    expect(book.pending()).toEqual([]);
  });
});
