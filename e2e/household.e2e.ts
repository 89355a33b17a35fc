import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openView, screenshot, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';

/** A fresh Kiwi with no voices enrolled: the Speakers view says the household is open, and a typed soul switch works. */
describe('open household (no owner yet)', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({ name: 'household', config: { audio: { input: 'none', output: 'none' } } });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('says so in the Speakers view while no owner is enrolled', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const line = page.getByTestId('household-open');
    await line.waitFor();
    expect(await line.textContent()).toContain('until an owner is enrolled, anyone may change');
    expect((await kiwi.api<Record<string, unknown>>('GET', '/api/status')).json).toMatchObject({ household_open: true });
    await screenshot(page, 'speakers-open-household');
  });
});
