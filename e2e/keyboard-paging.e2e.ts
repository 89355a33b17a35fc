import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../main/store/sqlite-store.ts';
import { openView, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';
import { seedSpeakers } from './support/seed.ts';
import { focused } from './support/focus.ts';

type Json = Record<string, unknown>;

/** `count` answered typed turns in the kept history, a minute apart, oldest first ("question 0" … ). */
function seedTurns(dataDir: string, count: number): void {
  const store = openSqliteStore(path.join(dataDir, 'kiwi.db'));
  try {
    for (let i = 0; i < count; i++) {
      const at = new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString();
      store.turns.add(
        { turn_id: `turn_seed_${i}`, at, source: 'text', wake: false, transcript: `question ${i}`, language: 'en', speaker: null, command: 'time', reply: `answer ${i}`, timings_ms: { total: 5 }, llm: null },
        null,
        2000,
      );
    }
  } finally {
    store.close();
  }
}


/** A keyboard-only user: speakers (owner handover, delete) and the conversation history (older pages), with Tab, Enter and Escape. */
describe('the dashboard by keyboard: owner handover and older conversation', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  const speakers = async () => (await kiwi.api<{ speakers: Json[] }>('GET', '/api/speakers')).json.speakers;
  const byName = async (name: string) => (await speakers()).find((s) => s.name === name)!;

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({
      name: 'keyboard-paging',
      config: { audio: { input: 'none', output: 'none' } },
      prepare: (dir) => {
        seedSpeakers(dir, [
          { name: 'Ada', priority: 0 },
          { name: 'Bob', priority: 1 },
        ]);
        seedTurns(dir, 230);
      },
      ready: ({ page }) => page.getByTestId('state').waitFor(),
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('the first Tab offers to skip the navigation; a view chosen by keyboard takes the focus, so Tab goes into it', async () => {
    const { page } = ui;
    await page.evaluate(`document.activeElement?.blur()`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focused)).toBe('Skip to the Overview view');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Overview');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.closest('main') !== null`)).toBe(true);

    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Speakers', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('main', { name: 'Speakers' }).waitFor();
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Speakers');
    expect(await page.evaluate(`document.activeElement?.tagName`)).toBe('MAIN');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.closest('[data-testid=panel-speakers]') !== null`)).toBe(true);
  });

  it('switches the soul by keyboard and keeps the focus on the pressed card; a locked 18+ soul says why in words', async () => {
    const { page } = ui;
    await openView(page, 'Souls');
    await page.getByRole('button', { name: 'Switch to Comedian' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await kiwi.api<Json>('GET', '/api/soul/current')).json.id).toBe('comedian');
    const active = page.getByTestId('soul-comedian').getByRole('button', { name: 'Active', pressed: true });
    await active.waitFor();
    expect(await page.evaluate(focused)).toBe('Active'); // not dropped to the page
    await page.keyboard.press('Enter'); // the active soul's button does nothing
    expect(await active.getAttribute('aria-disabled')).toBe('true');
    const siren = page.getByTestId('soul-siren');
    await siren.getByText('18+: turn on souls.allow_nsfw in Settings to use it.').waitFor();
    expect(await siren.getByRole('button').isDisabled()).toBe(true);
    expect(await kiwi.api('POST', '/api/soul', { soul: 'default' })).toMatchObject({ status: 200 });
  });

  it('hands the owner role to another speaker after a confirm step that takes and returns the focus', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const bob = await byName('Bob');
    const ada = await byName('Ada');
    const bobRow = page.getByTestId(`speaker-${String(bob.id)}`);
    const adaRow = page.getByTestId(`speaker-${String(ada.id)}`);
    expect(await adaRow.getByRole('button', { name: 'Make Ada the owner' }).count()).toBe(0); // she is the owner

    const make = bobRow.getByRole('button', { name: 'Make Bob the owner' });
    await make.focus();
    await page.keyboard.press('Enter');
    const confirm = bobRow.getByRole('group', { name: /Make Bob the owner\? Ada becomes a friend/ });
    await confirm.waitFor();
    expect(await page.evaluate(focused)).toBe('Cancel'); // the safe choice: Enter by habit changes nothing
    // Escape cancels: nothing changed, and the focus is back on the button that opened the step.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    expect(await page.evaluate(focused)).toBe('Make Bob the owner');
    expect((await byName('Bob')).priority).toBe(1);

    await page.keyboard.press('Enter');
    await bobRow.getByRole('button', { name: 'Yes, make Bob the owner' }).waitFor();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(focused)).toBe('Yes, make Bob the owner');
    await page.keyboard.press('Enter');
    await expect.poll(async () => [(await byName('Bob')).priority, (await byName('Ada')).priority]).toEqual([0, 1]);
    await bobRow.getByText('owner', { exact: true }).waitFor();
    await adaRow.getByRole('button', { name: 'Make Ada the owner' }).waitFor();
    expect(await page.evaluate(focused)).toBe('Name of Bob'); // still in Bob's row, not lost to the page
  });

  it('a delete confirm step puts the focus on Keep, and Keep gives it back to Delete', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const friend = (await speakers()).find((s) => s.priority !== 0)!; // Ada after the handover above, else Bob
    const name = String(friend.name);
    const row = page.getByTestId(`speaker-${String(friend.id)}`);
    await row.getByRole('button', { name: `Delete ${name}` }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(focused)).toBe(`Keep ${name}`);
    await page.keyboard.press('Enter');
    await row.getByRole('button', { name: `Delete ${name}` }).waitFor();
    expect(await page.evaluate(focused)).toBe(`Delete ${name}`);
    expect((await speakers()).map((s) => s.name)).toContain(name);
    // Deleted: its row goes, and the focus moves to the list of speakers rather than to the page.
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(focused)).toBe(`Really delete ${name}`);
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached' });
    expect(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Speakers');
    expect(await page.evaluate(`document.activeElement?.tagName`)).toBe('UL');
  });

  it('shows the newest 100 turns, and older ones page by page on demand, in order, keeping the lines already shown', async () => {
    const { page } = ui;
    await openView(page, 'Conversation');
    const log = page.getByRole('log', { name: 'Transcript' });
    const transcripts = () => log.getByTestId('turn-transcript').allTextContents();
    await expect.poll(async () => (await transcripts()).length).toBe(100);
    expect((await transcripts())[0]).toBe('question 130');
    // Mark a shown line: it must be the same element afterwards (re-created lines are read out again by a screen reader).
    await page.evaluate(`document.querySelector('[data-testid=turn]').dataset.marked = 'yes'`);

    const older = page.getByRole('button', { name: 'Show older turns' });
    await older.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await transcripts()).length).toBe(200);
    expect((await transcripts())[0]).toBe('question 30');
    expect(await page.evaluate(focused)).toBe('Show older turns'); // the focus stays for the next page
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await transcripts()).length).toBe(230);
    const all = await transcripts();
    expect(all).toEqual(Array.from({ length: 230 }, (_, i) => `question ${i}`));
    // No more pages: the button is gone and the focus went to the line saying so.
    expect(await older.count()).toBe(0);
    expect(await page.evaluate(focused)).toBe('This is the start of the kept conversation.');
    expect(await page.evaluate(`document.querySelector('[data-marked=yes] [data-testid=turn-transcript]')?.textContent`)).toBe('question 130');

    // A new turn does not push out the older turns the reader asked for. A screen reader is told its
    // reply by the announcer, not by the whole log (which also holds ignored background talk).
    expect(await log.getAttribute('aria-live')).toBe('off');
    const chat = await kiwi.api<{ reply: string }>('POST', '/api/chat', { text: 'What time is it?', speak: false });
    expect(chat.status).toBe(200);
    await expect.poll(async () => (await transcripts()).length).toBe(231);
    await expect.poll(() => page.getByTestId('conversation-announcer').textContent()).toBe(`Kiwi: ${chat.json.reply}`);
    expect(await page.getByTestId('conversation-announcer').getAttribute('aria-live')).toBe('polite');
    expect((await transcripts())[0]).toBe('question 0');

    // Clear by keyboard: the lines go, the button stays focused (now inert), nothing is deleted from the kept history.
    const clear = page.getByRole('button', { name: 'Clear' });
    await clear.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await transcripts()).length).toBe(0);
    expect(await page.evaluate(focused)).toBe('Clear');
    expect(await clear.getAttribute('aria-disabled')).toBe('true');
    expect((await kiwi.api<{ turns: Json[] }>('GET', '/api/conversation?limit=5')).json.turns).toHaveLength(5);
  });

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
