import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, openView, type OpenedPage } from './support/browser.ts';
import type { KiwiServer } from './support/kiwi-server.ts';
import { openSeededDashboard, type SeededDashboard } from './support/seeded-dashboard.ts';

/**
 * Each panel against a real `kiwi serve`: what is done in the page shows in the REST API, and what
 * is done through the API shows in the page (through /api/events, without a reload).
 */
type Json = Record<string, unknown>;

describe('dashboard panels', () => {
  let dashboard: SeededDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  beforeAll(async () => {
    dashboard = await openSeededDashboard('panels');
    ({ kiwi, ui } = dashboard);
  });
  afterAll(() => dashboard?.close());
  it('shows the live state, and follows STATE_CHANGED events', async () => {
    const { page } = ui;
    await expect.poll(() => page.getByTestId('orb').getAttribute('data-state')).toBe('IDLE');
    // A typed turn moves the engine through PROCESSING and back, whatever stages exist.
    const res = await kiwi.api('POST', '/api/chat', { text: 'what time is it', speak: false });
    expect(res.status).toBe(200);
    const processing = page.getByTestId('event-log').locator('li[data-event=STATE_CHANGED]').filter({ hasText: '"new_state":"PROCESSING"' });
    await processing.first().waitFor();
    await expect.poll(() => page.getByTestId('orb').getAttribute('data-state')).toBe('IDLE');
    expect(await page.getByTestId('state').textContent()).toBe('Idle');
    await screenshot(page, 'overview');
  });

  it('switches souls both ways, and keeps the 18+ soul locked until allow_nsfw', async () => {
    const { page } = ui;
    await openView(page, 'Souls');
    await page.getByRole('button', { name: 'Switch to Comedian' }).click();
    await expect.poll(async () => (await kiwi.api<Json>('GET', '/api/soul/current')).json.id).toBe('comedian');
    await page.getByTestId('soul-comedian').getByRole('button', { name: 'Active', pressed: true }).waitFor();

    expect((await kiwi.api('POST', '/api/soul', { soul: 'storyteller' })).status).toBe(200);
    await page.getByTestId('soul-storyteller').getByRole('button', { name: 'Active', pressed: true }).waitFor();
    await page.getByRole('button', { name: 'Switch to Comedian' }).waitFor();

    const siren = page.getByTestId('soul-siren');
    await siren.getByText('18+', { exact: true }).waitFor();
    expect(await siren.getByRole('button').isDisabled()).toBe(true);
    expect((await kiwi.api('PATCH', '/api/config', { souls: { allow_nsfw: true } })).status).toBe(200);
    // Keyboard only: focus the unlocked button and press Enter.
    const unlocked = siren.getByRole('button', { name: 'Switch to Siren' });
    await unlocked.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await kiwi.api<Json>('GET', '/api/soul/current')).json.id).toBe('siren');
    await screenshot(page, 'souls');
    await kiwi.api('PATCH', '/api/config', { souls: { allow_nsfw: false } });
    await kiwi.api('POST', '/api/soul', { soul: 'default' });
  });

  it('shows a soul written or deleted elsewhere (another dashboard, a script) without a reload', async () => {
    const { page } = ui;
    await openView(page, 'Souls');
    await page.getByTestId('soul-comedian').waitFor();
    expect((await kiwi.api('PUT', '/api/souls/pirate', { name: 'Pirate', prompt: 'Talk like a pirate.' })).status).toBe(200);
    await page.getByTestId('soul-pirate').getByText('Pirate', { exact: true }).waitFor();
    expect((await kiwi.api('PUT', '/api/souls/pirate', { name: 'Captain', prompt: 'Talk like a pirate.' })).status).toBe(200);
    await page.getByTestId('soul-pirate').getByText('Captain', { exact: true }).waitFor();
    expect((await kiwi.api('DELETE', '/api/souls/pirate')).status).toBe(200);
    await page.getByTestId('soul-pirate').waitFor({ state: 'detached' });
  });

  it('renames, re-prioritises, blocks, unblocks and deletes speakers; API changes show at once', async () => {
    const { page } = ui;
    await openView(page, 'Speakers');
    const speakers = async () => (await kiwi.api<{ speakers: Json[] }>('GET', '/api/speakers')).json.speakers;
    const byName = async (name: string) => (await speakers()).find((s) => s.name === name);
    const bob = (await byName('Bob'))!;
    const bobRow = page.getByTestId(`speaker-${String(bob.id)}`);

    await bobRow.getByLabel('Name of Bob').fill('Robert');
    await bobRow.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(async () => (await speakers()).find((s) => s.id === bob.id)?.name).toBe('Robert');

    await bobRow.getByLabel('Priority of Robert').selectOption('guest');
    await expect.poll(async () => (await byName('Robert'))?.priority).toBe(2);

    await bobRow.getByRole('button', { name: 'Block' }).click();
    await expect.poll(async () => (await byName('Robert'))?.is_blocked).toBe(true);
    await bobRow.getByText('blocked', { exact: true }).waitFor();
    await bobRow.getByRole('button', { name: 'Unblock' }).click();
    await expect.poll(async () => (await byName('Robert'))?.is_blocked).toBe(false);

    const cleo = (await byName('Cleo'))!;
    expect((await kiwi.api('PATCH', `/api/speakers/${String(cleo.id)}`, { name: 'Cleopatra', priority: 1 })).status).toBe(200);
    const cleoRow = page.getByTestId(`speaker-${String(cleo.id)}`);
    await expect.poll(() => cleoRow.getByLabel('Name of Cleopatra').inputValue()).toBe('Cleopatra');
    expect(await cleoRow.getByLabel('Priority of Cleopatra').inputValue()).toBe('1');

    const owner = (await byName('Ada'))!;
    const ownerRow = page.getByTestId(`speaker-${String(owner.id)}`);
    expect(await ownerRow.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await screenshot(page, 'speakers');

    await bobRow.getByRole('button', { name: 'Delete' }).click();
    await bobRow.getByRole('button', { name: 'Really delete Robert' }).click();
    await expect.poll(async () => (await speakers()).some((s) => s.id === bob.id)).toBe(false);
    await bobRow.waitFor({ state: 'detached' });
  });

  it('shows the owner hands-free badge while it is active, and no open-household line once an owner exists', async () => {
    const { page } = ui;
    expect(await page.getByTestId('hands-free').count()).toBe(0); // off by default
    expect((await kiwi.api('PATCH', '/api/config', { voice: { owner_hands_free: { enabled: true } } })).status).toBe(200);
    await page.getByTestId('hands-free').waitFor();
    expect((await kiwi.api<Json>('GET', '/api/status')).json).toMatchObject({ hands_free_active: true, household_open: false });
    await kiwi.api('PATCH', '/api/config', { voice: { owner_hands_free: { enabled: false } } });
    await page.getByTestId('hands-free').waitFor({ state: 'detached' });
    await openView(page, 'Speakers');
    expect(await page.getByTestId('household-open').count()).toBe(0);
  });

  it('switches the language (15 of them) both ways', async () => {
    const { page } = ui;
    await openView(page, 'Settings');
    const select = page.getByTestId('language-select');
    expect(await select.locator('option').count()).toBe(15);
    await select.selectOption('de');
    await expect.poll(async () => (await kiwi.api<Json>('GET', '/api/languages')).json.current).toBe('de');
    expect((await kiwi.api('POST', '/api/language', { language: 'fr' })).status).toBe(200);
    await expect.poll(() => select.inputValue()).toBe('fr');
    await kiwi.api('POST', '/api/language', { language: 'en' });
    await expect.poll(() => select.inputValue()).toBe('en');
  });

  it('edits the configuration with the API schema, and follows changes made elsewhere', async () => {
    const { page } = ui;
    await openView(page, 'Settings');
    expect((await kiwi.api('PATCH', '/api/config', { tts_speed: 1.3 })).status).toBe(200);
    await expect.poll(() => page.getByTestId('cfg-tts_speed').inputValue()).toBe('1.3');

    // Out of range: the schema's message shows beside the field and nothing is sent.
    await page.getByTestId('cfg-voice-vad_threshold').fill('2');
    await page.getByText('at most 0.95', { exact: true }).waitFor();
    expect(await page.getByTestId('config-save').isDisabled()).toBe(true);
    expect(await page.getByTestId('cfg-voice-vad_threshold').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('cfg-voice-vad_threshold').fill('0.6');
    await page.getByTestId('cfg-wake_word').fill('pineapple');
    await page.getByTestId('config-save').click();
    await page.getByTestId('config-saved').waitFor();
    const config = (await kiwi.api<Json>('GET', '/api/config')).json;
    expect(config.wake_word).toBe('pineapple');
    expect((config.voice as Json).vad_threshold).toBe(0.6);
    await screenshot(page, 'settings');
  });

  it('filters the event log by event name', async () => {
    const { page } = ui;
    await openView(page, 'Overview');
    await kiwi.api('PATCH', '/api/config', { tts_voice: 'af_bella' });
    const log = page.getByTestId('event-log');
    await log.locator('li[data-event=CONFIG_CHANGED]').first().waitFor();
    await page.getByTestId('event-filter').selectOption('CONFIG_CHANGED');
    const names = await log.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-event')));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['CONFIG_CHANGED']));
    await page.getByTestId('event-filter').selectOption('');
  });

  it('a key set by an environment variable is shown but not editable, and says which variable', async () => {
    const { page } = ui;
    await openView(page, 'Settings');
    const field = page.getByTestId('cfg-souls-default');
    await field.waitFor();
    expect(await field.isDisabled()).toBe(true);
    expect(await page.locator('#cfg-souls-default-hint').textContent()).toBe('Set by the environment variable KIWI_SOUL_DEFAULT: unset it to change default here.');
    expect((await kiwi.api('GET', '/api/config')).json).toMatchObject({ set_by_env: { 'souls.default': 'KIWI_SOUL_DEFAULT' } });
    expect(await page.getByTestId('cfg-wake_word').isDisabled()).toBe(false);
  });

  it('loaded nothing from other hosts and logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});
