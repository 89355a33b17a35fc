import { describe, expect, it } from 'vitest';
import { createHashRouter } from './hash-route.ts';
import { createLeaveGuard, leaveQuestion } from './unsaved.ts';

describe('leave guard', () => {
  it('lets a view go without asking while nothing is unsaved', () => {
    const asked: string[] = [];
    const guard = createLeaveGuard((q) => (asked.push(q), false));
    expect(guard.mayLeave()).toBe(true);
    guard.set('a', 'the settings');
    guard.set('a', null);
    expect(guard.mayLeave()).toBe(true);
    expect(asked).toEqual([]);
  });

  it('asks, naming every unsaved edit, and follows the answer', () => {
    const asked: string[] = [];
    let answer = false;
    const guard = createLeaveGuard((q) => (asked.push(q), answer));
    guard.set('soul', "the soul 'Sea Captain'");
    guard.set('cfg', 'the settings: llm.model');
    expect(guard.mayLeave()).toBe(false);
    answer = true;
    expect(guard.mayLeave()).toBe(true);
    expect(asked[0]).toBe(leaveQuestion(["the soul 'Sea Captain'", 'the settings: llm.model']));
    expect(asked[0]).toContain("the soul 'Sea Captain', the settings: llm.model");
  });
});

describe('hash router', () => {
  function setup(mayLeave: () => boolean) {
    const page = { hash: 'souls', restored: [] as string[] };
    const router = createHashRouter({ read: () => page.hash, restore: (r) => (page.restored.push(r), (page.hash = r)), mayLeave });
    let renders = 0;
    router.subscribe(() => renders++);
    return { page, router, renders: () => renders };
  }

  it('follows a hash change when the view may be left', () => {
    const { page, router, renders } = setup(() => true);
    page.hash = 'settings';
    router.changed();
    expect(router.current()).toBe('settings');
    expect(renders()).toBe(1);
  });

  it('stays on the view and puts its address back when the person keeps their edits', () => {
    const { page, router, renders } = setup(() => false);
    page.hash = 'overview';
    router.changed();
    expect(router.current()).toBe('souls');
    expect(page.restored).toEqual(['souls']);
    expect(renders()).toBe(0);
  });

  it('does not ask when the hash names the view already shown (its own restore)', () => {
    let asked = 0;
    const { router } = setup(() => (asked++, false));
    router.changed();
    expect(asked).toBe(0);
  });
});
