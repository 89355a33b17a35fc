import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unnamedControls } from './support/a11y.ts';
import { openView, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';
import { seedAdaAndBob } from './support/seed.ts';
import { focused } from './support/focus.ts';

type Json = Record<string, unknown>;


/**
 * A keyboard user never loses the focus to the page after pressing a button: not while its request
 * runs (the button is disabled meanwhile), not when the button goes with what it deleted.
 */
describe('the keyboard focus after an action', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  const speakers = async () => (await kiwi.api<{ speakers: Json[] }>('GET', '/api/speakers')).json.speakers;
  const byName = async (name: string) => (await speakers()).find((s) => s.name === name)!;

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({
      name: 'focus-after-actions',
      config: { audio: { input: 'none', output: 'none' } },
      prepare: seedAdaAndBob,
      ready: ({ page }) => page.getByTestId('state').waitFor(),
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('a button disabled while its request runs has the focus again once it is over (Block, Unblock)', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const bob = page.getByTestId(`speaker-${String((await byName('Bob')).id)}`);
    await bob.getByRole('button', { name: 'Block Bob' }).focus();
    await page.keyboard.press('Enter');
    await bob.getByRole('button', { name: 'Unblock Bob' }).waitFor();
    await expect.poll(() => byName('Bob').then((s) => s.is_blocked)).toBe(true);
    await expect.poll(() => page.evaluate(focused)).toBe('Unblock Bob');
    // The same key again undoes it: the focus never left the button.
    await page.keyboard.press('Enter');
    await bob.getByRole('button', { name: 'Block Bob' }).waitFor();
    await expect.poll(() => page.evaluate(focused)).toBe('Block Bob');
    expect((await byName('Bob')).is_blocked).toBe(false);
  });

  it('while the owner handover asks for confirmation, the row offers no Block or Delete beside it; Cancel brings them back', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const bobRow = `speaker-${String((await byName('Bob')).id)}`;
    const bob = page.getByTestId(bobRow);
    const del = bob.getByRole('button', { name: 'Delete Bob' });
    await del.waitFor();
    await bob.getByRole('button', { name: 'Make Bob the owner' }).focus();
    await page.keyboard.press('Enter');
    const step = bob.getByRole('group', { name: /^Make Bob the owner\?/ });
    await step.waitFor();
    expect(await page.evaluate(focused)).toBe('Cancel');
    expect(await del.count()).toBe(0);
    expect(await bob.getByRole('button', { name: 'Block Bob' }).count()).toBe(0);
    expect(await unnamedControls(page)).toEqual([]); // the step's choices have names
    // By keyboard too: Tab from the step's last choice leaves the row, it does not reach a Delete.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`!!document.activeElement?.closest('[data-testid=${bobRow}]')`)).toBe(false);
    await step.getByRole('button', { name: 'Cancel' }).click();
    await del.waitFor();
    await bob.getByRole('button', { name: 'Block Bob' }).waitFor();
    expect((await byName('Bob')).priority).toBe(1);
  });

  it('while a delete asks for confirmation, the row offers no Block or Make owner beside it; Keep brings them back', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const bob = page.getByTestId(`speaker-${String((await byName('Bob')).id)}`);
    const makeOwner = bob.getByRole('button', { name: 'Make Bob the owner' });
    await makeOwner.waitFor();
    await bob.getByRole('button', { name: 'Delete Bob' }).focus();
    await page.keyboard.press('Enter');
    await bob.getByRole('group', { name: 'Delete Bob?' }).waitFor();
    expect(await page.evaluate(focused)).toBe('Keep Bob');
    expect(await makeOwner.count()).toBe(0);
    expect(await bob.getByRole('button', { name: 'Block Bob' }).count()).toBe(0);
    // By keyboard too: Shift+Tab past the step's choices reaches the row's priority, not a Make owner or Block.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(focused)).toBe('Really delete Bob');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(focused)).toBe('Priority of Bob');
    await bob.getByRole('button', { name: 'Keep Bob' }).click();
    await makeOwner.waitFor();
    await bob.getByRole('button', { name: 'Block Bob' }).waitFor();
    expect((await speakers()).map((s) => s.name)).toContain('Bob');
  });

  it('deleting a fact moves the focus to the next fact, or to the one before when it was the last', async () => {
    const { page } = ui;
    await openView(page, 'Memory');
    const view = page.getByTestId('memory-view');
    await view.getByText('my sister is called Eve').waitFor();
    await view.getByRole('button', { name: 'Delete the fact: my favourite colour is green' }).focus();
    await page.keyboard.press('Enter');
    await view.getByText('my favourite colour is green').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(focused)).toBe('Delete the fact: I take my tea without sugar');
    // The last fact: the focus goes back to the one before it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focused)).toBe('Delete the fact: my sister is called Eve');
    await page.keyboard.press('Enter');
    await view.getByText('my sister is called Eve').waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(focused)).toBe('Delete the fact: I take my tea without sugar');
  });

  it('"forget everything" opens on Keep, Keep returns to the trigger, and after forgetting the focus is on the heading', async () => {
    const { page } = ui;
    const view = page.getByTestId('memory-view');
    const forget = view.getByRole('button', { name: 'Forget everything…' });
    await forget.focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(focused)).toBe('Keep');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(focused)).toBe('Forget everything…');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(focused)).toBe('Really forget everything about Ada');
    await page.keyboard.press('Enter');
    await view.getByText('No facts.').waitFor();
    expect((await kiwi.api<{ facts: Json[] }>('GET', `/api/speakers/${String((await byName('Ada')).id)}/memory`)).json.facts).toEqual([]);
    await expect.poll(() => page.evaluate(`document.activeElement?.tagName`)).toBe('H3');
    expect(await page.evaluate(focused)).toMatch(/^What Kiwi remembers about Ada/);
  });

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
