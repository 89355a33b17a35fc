import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authOn } from '../main/testing/api-auth.ts';
import { sameNamedButtons } from './support/a11y.ts';
import { openView, screenshot, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';

/**
 * Approvals and timers against a real `kiwi serve` with auth on: the page signs in with a
 * control token (enough to approve, deny and set timers, not to read anyone's memory), the test
 * drives Kiwi through the API with an admin token. What is created through the API shows in the
 * page through events; what is done in the page shows in the API.
 */
const CONTROL = 'e2e-control-token-0123456789';
const ADMIN = 'e2e-admin-token-0123456789';
type Approval = { id: string; number: number; status: string; text: string };
type Timer = { id: string; kind: string; state: string; label: string | null; time: string | null; days: string[]; remaining_s: number };

describe('approvals and timers', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  const api = <T,>(method: string, path: string, body?: unknown) => kiwi.api<T>(method, path, body, ADMIN);
  const pending = async () => (await api<{ approvals: Approval[] }>('GET', '/api/approvals')).json.approvals;
  const timers = async () => (await api<{ items: Timer[]; ringing: string[] }>('GET', '/api/timers')).json;
  /** A typed request the voice security gate holds for the owner (as in main/server/approvals.test.ts). */
  const hold = async (text: string) => {
    const res = await api<{ command: string }>('POST', '/api/chat', { text, speak: false });
    expect(res.json.command).toBe('approval_requested');
    return (await pending()).find((a) => a.text === text)!;
  };

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({
      name: 'approvals-timers',
      config: {
        audio: { input: 'none', output: 'none' },
        api: authOn([
          { name: 'kitchen-tablet', token: CONTROL, scopes: ['control'] },
          { name: 'owner', token: ADMIN, scopes: ['admin'] },
        ]),
      },
      ready: async ({ page }) => {
        await page.getByLabel('API token').fill(CONTROL);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByTestId('signed-in-as').filter({ hasText: 'kitchen-tablet (control)' }).waitFor();
        await page.getByTestId('state').filter({ hasText: /Idle|Listening/ }).waitFor();
      },
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('a held request shows up live (overview notice and Approvals view); approving it in the page runs it', async () => {
    const { page } = ui;
    const door = await hold('unlock the front door');
    await page.getByTestId('approvals-notice').filter({ hasText: '1 request waits' }).waitFor();
    await page.getByTestId('approvals-notice').getByRole('link', { name: 'Review' }).click();
    await page.getByRole('main', { name: 'Approvals' }).waitFor();
    const card = page.getByTestId(`approval-${door.id}`);
    await card.getByText('“unlock the front door”', { exact: true }).waitFor();
    await card.getByText('critical', { exact: true }).waitFor();
    await card.getByRole('timer').filter({ hasText: /expires in \d/ }).waitFor();
    await screenshot(page, 'approvals');
    // Its buttons say which request they decide (a typed request has no recognised voice).
    await card.getByRole('button', { name: `Approve request ${door.number} from an unknown voice: unlock the front door`, exact: true }).click();
    await page.getByTestId('approval-outcome').filter({ hasText: `Approved #${door.number}` }).waitFor();
    await card.waitFor({ state: 'detached' });
    expect(await pending()).toEqual([]);
    const audit = (await api<{ entries: Array<{ approval_id: string | null; outcome: string; resolved_by: string | null }> }>('GET', '/api/audit')).json.entries;
    expect(audit.find((e) => e.approval_id === door.id && e.outcome === 'approved')?.resolved_by).toBe('api:kitchen-tablet');
  });

  it('denies from the keyboard, and a request decided elsewhere leaves the page at once', async () => {
    const { page } = ui;
    await openView(page, 'Approvals');
    const alarm = await hold('disarm the alarm');
    const drive = await hold('format the hard drive');
    // Two cards, each with its Approve and Deny: a screen reader hears which request each button is for.
    await page.getByTestId(`approval-${drive.id}`).waitFor();
    expect(await sameNamedButtons(page)).toEqual([]);
    const deny = page.getByRole('button', { name: `Deny request ${alarm.number} from an unknown voice: disarm the alarm`, exact: true });
    await deny.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('approval-outcome').filter({ hasText: `Denied #${alarm.number}` }).waitFor();
    // The focus is on what happened, not lost to the page: the next Tab reaches the next request.
    expect(await page.evaluate(`document.activeElement?.dataset.testid`)).toBe('approval-outcome');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.closest('[data-testid^=approval-]')?.dataset.testid`)).toBe(`approval-${drive.id}`);
    const left = (await pending()).map((a) => a.id);
    expect(left).toContain(drive.id);
    expect(left).not.toContain(alarm.id);

    expect((await api('POST', `/api/approvals/${drive.id}/deny`)).status).toBe(200);
    await page.getByTestId(`approval-${drive.id}`).waitFor({ state: 'detached' });
    await page.getByText('Nothing waits for your approval.').waitFor();
  });

  it('lists timers with a live countdown; one set in the page reaches the API; cancel in the page', async () => {
    const { page } = ui;
    const tea = (await api<Timer>('POST', '/api/timers', { kind: 'timer', duration_s: 600, label: 'tea' })).json;
    await openView(page, 'Timers');
    const teaRow = page.getByTestId(`timer-${tea.id}`);
    const left = () => teaRow.getByTestId('time-left').textContent();
    await teaRow.getByText('tea', { exact: true }).waitFor();
    const first = (await left())!;
    expect(first).toMatch(/^(10:00|9:5\d)$/);
    await expect.poll(left, { timeout: 5000 }).not.toBe(first);

    // An alarm from the form: time of day and a weekday.
    await page.getByLabel('Alarm', { exact: true }).check();
    await page.getByLabel('Time of day').fill('07:30');
    await page.getByRole('group', { name: 'Repeat on' }).getByLabel('mon', { exact: true }).check();
    await page.getByLabel('Label (optional)').fill('wake up');
    await page.getByRole('button', { name: 'Set alarm' }).click();
    await expect.poll(async () => (await timers()).items.find((t) => t.label === 'wake up')).toMatchObject({ kind: 'alarm', time: '07:30', days: ['mon'] });

    // A wrong form is not sent: the contract's own message shows next to the field.
    await page.getByLabel('Timer', { exact: true }).check();
    await page.getByLabel('Minutes', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Set timer' }).click();
    await page.getByText('give a duration').waitFor();
    expect(await page.getByLabel('Minutes', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await teaRow.getByRole('button', { name: 'Cancel the tea timer', exact: true }).click();
    await teaRow.waitFor({ state: 'detached' });
    expect(await page.evaluate(`document.activeElement?.getAttribute('aria-label')`)).toBe('Timers, alarms and reminders'); // not lost to the page
    expect((await timers()).items.some((t) => t.id === tea.id)).toBe(false);
  });

  it('a timer that rings is highlighted; snooze and stop ringing from the page reach the API', async () => {
    const { page } = ui;
    await openView(page, 'Timers');
    await page.getByLabel('Timer', { exact: true }).check();
    await page.getByLabel('Minutes', { exact: true }).fill('0');
    await page.getByLabel('Seconds', { exact: true }).fill('2');
    await page.getByLabel('Label (optional)').fill('eggs');
    await page.getByRole('button', { name: 'Set timer' }).click();
    await expect.poll(async () => (await timers()).items.find((t) => t.label === 'eggs')?.kind).toBe('timer');
    const eggs = (await timers()).items.find((t) => t.label === 'eggs')!;
    const row = page.getByTestId(`timer-${eggs.id}`);
    await row.and(page.locator('[data-state=ringing]')).waitFor({ timeout: 15_000 });
    await row.getByText('ringing', { exact: true }).waitFor();
    expect(await row.evaluate((el) => el.classList.contains('ringing'))).toBe(true);
    await page.getByRole('button', { name: 'Stop all ringing (1)' }).waitFor();
    await screenshot(page, 'timers-ringing');
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'timers-ringing-dark');
    await ui.page.emulateMedia({ colorScheme: 'light' });

    // A second timer rings beside it: each row's buttons say which timer they act on.
    const toast = (await api<Timer>('POST', '/api/timers', { kind: 'timer', duration_s: 1, label: 'toast' })).json;
    const toastRow = page.getByTestId(`timer-${toast.id}`);
    await toastRow.and(page.locator('[data-state=ringing]')).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Stop all ringing (2)' }).waitFor();
    expect(await sameNamedButtons(page)).toEqual([]);

    await row.getByRole('button', { name: 'Snooze 10 min: the eggs timer', exact: true }).click();
    await expect.poll(async () => (await timers()).items.find((t) => t.id === eggs.id)?.state).toBe('snoozed');
    await row.and(page.locator('[data-state=snoozed]')).waitFor();
    expect((await timers()).ringing).toEqual([toast.id]);

    // Stopped from the page: a one-off timer is done and goes.
    await toastRow.getByRole('button', { name: 'Stop ringing the toast timer', exact: true }).click();
    await toastRow.waitFor({ state: 'detached' });
    const after = await timers();
    expect(after.ringing).toEqual([]);
    expect(after.items.some((t) => t.id === toast.id)).toBe(false);
  });

  it('memory is admin-only: a control token gets a clear message, not a failed request', async () => {
    const { page } = ui;
    await openView(page, 'Memory');
    await page.getByRole('alert').filter({ hasText: 'Memory is private: reading or deleting it needs the admin scope' }).waitFor();
  });

  it('logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});
