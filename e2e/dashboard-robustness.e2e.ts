import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameNamedButtons, unnamedControls } from './support/a11y.ts';
import { KIWI_DOWN, LIVE_TEXT, openView, screenshot, type OpenedPage } from './support/browser.ts';
import type { KiwiServer } from './support/kiwi-server.ts';
import { openSeededDashboard, type SeededDashboard } from './support/seeded-dashboard.ts';

/**
 * The dashboard holds up for everyone, against a real `kiwi serve`: in a dark theme, on a phone's
 * screen, read by a screen reader, and while Kiwi restarts or does not answer yet.
 */
describe('the dashboard on any screen, for any reader, through restarts', () => {
  let dashboard: SeededDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  beforeAll(async () => {
    // The reconnect tests stop Kiwi on purpose: Chromium logs the refused reconnection attempts.
    dashboard = await openSeededDashboard('dashboard-robustness', { expectedErrors: [/WebSocket connection to .*\/api\/events' failed: .*ERR_CONNECTION_REFUSED/] });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(() => dashboard?.close());

  it('shows a dark theme when the system prefers it', async () => {
    // Relative luminance (WCAG) of the page's background and text colours under each scheme.
    const colours = async () => {
      const [bg, fg] = (await ui.page.evaluate('[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]')) as string[];
      return { bg: luminance(bg!), fg: luminance(fg!) };
    };
    await ui.page.emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    expect(light.bg).toBeGreaterThan(0.7); // a light page…
    expect(dark.bg).toBeLessThan(0.05); // …turns dark,
    expect(dark.fg).toBeGreaterThan(dark.bg); // with light text on it,
    expect((dark.fg + 0.05) / (dark.bg + 0.05)).toBeGreaterThanOrEqual(4.5); // readable (WCAG AA contrast).
    await screenshot(ui.page, 'overview-dark');
    await ui.page.emulateMedia({ colorScheme: 'light' });
  });

  it('reconnects the event stream after Kiwi restarts; what failed to load meanwhile says so, then loads by itself', async () => {
    const { page } = ui;
    // Screen readers are told the connection, not every engine state (each noise on the microphone would announce one).
    const announcer = page.getByTestId('connection-announcer');
    expect(await page.evaluate(LIVE_TEXT)).not.toMatch(/Idle|Listening|Processing|Thinking|Speaking/);
    await ui.tolerating([KIWI_DOWN], async () => {
      await kiwi.stop();
      await page.getByTestId('state').filter({ hasText: 'Disconnected' }).waitFor({ timeout: 15_000 });
      expect(await announcer.getAttribute('role')).toBe('status');
      expect(await announcer.textContent()).toBe('Disconnected from Kiwi: reconnecting…');
      // The integrations view loads its data when opened (and every few seconds): not while Kiwi is down.
      await openView(page, 'Home Assistant');
      await page.getByRole('alert').filter({ hasText: 'Failed to fetch' }).waitFor();
      await kiwi.restart();
      await page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor({ timeout: 30_000 });
      await page.getByRole('alert').waitFor({ state: 'detached' });
    });
    expect(await announcer.textContent()).toBe('Connected to Kiwi again.');
    // The new process's events reach the page: a soul switch through the API shows up.
    await kiwi.api('POST', '/api/soul', { soul: 'comedian' });
    await openView(page, 'Souls');
    await page.getByTestId('soul-comedian').getByRole('button', { name: 'Active', pressed: true }).waitFor();
  });

  it('keeps trying when Kiwi does not answer as the page opens, and opens the dashboard once it does', async () => {
    const { page } = ui;
    const refuse = (route: Route) => route.abort('connectionrefused');
    await ui.tolerating([KIWI_DOWN], async () => {
      await page.route('**/api/auth/scopes', refuse);
      await page.reload();
      await page.getByRole('alert').filter({ hasText: /Cannot reach Kiwi .*trying again/ }).waitFor();
      await page.unroute('**/api/auth/scopes', refuse);
      await page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
    });
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('on a phone (375 px) no view is wider than the screen: the models table scrolls in its own box', async () => {
    const { page } = ui;
    const before = page.viewportSize();
    await page.setViewportSize({ width: 375, height: 800 });
    try {
      const views = await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents();
      expect(views).toContain('Models');
      for (const view of views) {
        await openView(page, view);
        if (view === 'Models') await page.locator('.table-wrap tbody tr').first().waitFor();
        const wide = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(wide, `${view} is ${wide} px wide`).toBeLessThanOrEqual(375);
      }
    } finally {
      if (before) await page.setViewportSize(before);
    }
  });

  it('names every control and table in every view for screen readers, each button in a list by its item', async () => {
    const { page } = ui;
    const views = await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allTextContents();
    const unnamed: string[] = [];
    const sameNamed: string[] = [];
    for (const view of views) {
      await openView(page, view);
      if (view === 'Models') await page.locator('.table-wrap tbody tr').first().waitFor();
      await expect.poll(() => page.getByRole('main').getByText('Loading…').count()).toBe(0);
      unnamed.push(...(await unnamedControls(page)).map((found) => `${view}: ${found}`));
      // On the speakers' rows "Block Bob" and "Block Cleo", not "Block" twice.
      sameNamed.push(...(await sameNamedButtons(page)).map((found) => `${view}: ${found}`));
    }
    expect(unnamed).toEqual([]);
    expect(sameNamed).toEqual([]);
    // The models table is named by its caption, which says what the filters leave.
    await openView(page, 'Models');
    await page.getByRole('table', { name: 'Models in the catalog' }).waitFor();
    await page.getByLabel('Task').selectOption('vad');
    await page.getByRole('table', { name: 'Models in the catalog, task vad' }).waitFor();
    await page.getByLabel('Task').selectOption('');
  });

  it('loaded nothing from other hosts and logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});

/** WCAG relative luminance of a computed `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
