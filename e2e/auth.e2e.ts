import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authOn } from '../main/testing/api-auth.ts';
import { unnamedControls } from './support/a11y.ts';
import { KIWI_DOWN, openView, screenshot, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';

/**
 * With api.auth on, the browser signs in once with a token and gets an HttpOnly session cookie;
 * what it may do follows the token's scopes, and signing out ends the session on the server.
 */
const READ_TOKEN = 'e2e-read-token-0123456789';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

describe('signing in to the dashboard', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({
      name: 'auth',
      config: {
        audio: { input: 'none', output: 'none' },
        api: authOn([
          { name: 'viewer', token: READ_TOKEN, scopes: ['read'] },
          { name: 'owner', token: ADMIN_TOKEN, scopes: ['admin'] },
        ]),
      },
      // A wrong token is answered 401 on purpose; Chromium logs that as a console error.
      page: { expectedErrors: [/status of 401/] },
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
  });

  it('asks for a token and refuses a wrong one', async () => {
    const { page } = ui;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('token');
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await page.getByLabel('API token').fill('not-a-valid-token-at-all');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'That token is not valid' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);
  });

  it('signs in with a read-only token: sees everything, may change nothing', async () => {
    const { page } = ui;
    await page.getByLabel('API token').fill(READ_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'viewer (read)' }).waitFor();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'kiwi_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The event stream authenticates with the same cookie.
    await page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor();
    await openView(page, 'Souls');
    expect(await page.getByRole('button', { name: 'Switch to Comedian' }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: 'Overview' }).click();
    expect(await page.getByTestId('mic-toggle').isDisabled()).toBe(true);
    // Settings: every field is locked, and the page says why (not 95 greyed-out fields and no word).
    await openView(page, 'Settings');
    expect(await page.getByTestId('cfg-llm-model').isDisabled()).toBe(true);
    expect(await page.getByTestId('config-scope-note').textContent()).toContain('needs the control scope');
    await page.getByTestId('panel-language').getByText('Switching the language needs the control scope.').waitFor();
  });

  it('signs out (the session ends on the server) and back in with an admin token', async () => {
    const { page } = ui;
    const cookie = (await page.context().cookies()).find((c) => c.name === 'kiwi_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const stale = await fetch(`${kiwi.url}/api/status`, { headers: { cookie: `kiwi_session=${cookie.value}` } });
    expect(stale.status).toBe(401);

    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'owner (admin)' }).waitFor();
    await openView(page, 'Souls');
    await page.getByRole('button', { name: 'Switch to Comedian' }).click();
    await expect
      .poll(async () => (await kiwi.api<{ id: string }>('GET', '/api/soul/current', undefined, ADMIN_TOKEN)).json.id)
      .toBe('comedian');
    await screenshot(page, 'signed-in-admin');
  });

  it('while Kiwi is down a typed line says so in words; once it is back (sessions end with it) the page asks to sign in again', async () => {
    const { page } = ui;
    const down = [KIWI_DOWN, /WebSocket connection to .*\/api\/events' failed/];
    await ui.tolerating(down, async () => {
      await kiwi.stop();
      await page.getByTestId('state').filter({ hasText: 'Disconnected' }).waitFor({ timeout: 15_000 });
      await openView(page, 'Conversation');
      await page.getByTestId('chat-text').fill('are you there');
      await page.keyboard.press('Enter');
      await page.getByText('Kiwi is not answering: it may be stopped or restarting').waitFor();
      expect(await page.getByTestId('chat-text').inputValue()).toBe('are you there');

      await kiwi.restart();
      // The old session is gone: not "reconnecting…" for ever, but the sign-in form, by itself.
      await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    });
    await page.getByLabel('API token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'owner (admin)' }).waitFor();
    await page.getByTestId('state').filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
  });

  it('logged no unexpected errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
