import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPulseServer, type PulseServer } from '../main/testing/pulse-server.ts';
import { KIWI_DOWN, openDashboard, openView, screenshot, type OpenedPage } from './support/browser.ts';
import { preloadStandin } from './support/desktop-standin.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import { type KiwiServer, TEST_MODELS_DIR } from './support/kiwi-server.ts';
import { fakeMicrophone, speechWav } from './support/speech.ts';


/**
 * Conversation history and device choice in Debian's Chromium against a real `kiwi serve`:
 * the Conversation view after a reload and a reconnect (each turn once), the browser's own
 * microphone and speaker (Chromium's fake devices: "Fake Audio Input 1/2", "Fake Audio Output 1/2"),
 * and the server's Microphone / Output device in Settings, listed by a private PulseAudio server.
 */

describe('conversation history in the dashboard', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    dashboard = await openKiwiDashboard({
      name: 'history',
      config: { audio: { input: 'none', output: 'none' } },
      // The restart below refuses the page's reconnection attempts until Kiwi is back.
      page: { expectedErrors: [/WebSocket connection to .*\/api\/events' failed: .*ERR_CONNECTION_REFUSED/] },
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(() => dashboard?.close());

  const turns = (text: string) => ui.page.getByTestId('turn').filter({ hasText: text });
  const loads = async () => Number(await ui.page.getByTestId('transcript-log').getAttribute('data-history-loads'));

  it('shows a turn again after a reload, then a new live turn once, and once more after a reconnect', async () => {
    const { page } = ui;
    await openView(page, 'Conversation');
    await page.getByLabel('Speak the reply').uncheck();
    await page.getByLabel('Message to Kiwi').fill('what time is it');
    await page.keyboard.press('Enter');
    await turns('what time is it').getByTestId('turn-reply').filter({ hasText: /\d/ }).waitFor();

    await page.reload();
    await page.getByRole('main', { name: 'Conversation' }).waitFor();
    // From GET /api/conversation: the same turn, with its reply and timings.
    const kept = turns('what time is it');
    await kept.getByTestId('turn-reply').filter({ hasText: /\d/ }).waitFor();
    expect(await kept.getAttribute('data-command')).toBe('time');
    await kept.getByTestId('waterfall').locator('li[data-step=total]').waitFor();
    expect(await page.getByTestId('turn').count()).toBe(1);

    // A turn from elsewhere arrives live, once.
    expect((await kiwi.api('POST', '/api/chat', { text: "what's the time", speak: false })).status).toBe(200);
    await turns("what's the time").waitFor();
    expect(await page.getByTestId('turn').count()).toBe(2);

    // Kiwi restarts: the page reconnects and merges the history again, without doubling anything.
    const before = await loads();
    // A request the page makes as Kiwi stops is reset or refused: once Kiwi is back, nothing shows an error.
    await ui.tolerating([KIWI_DOWN], async () => {
      await kiwi.restart();
      await expect.poll(loads, { timeout: 30_000 }).toBeGreaterThan(before);
    });
    await page.getByRole('alert').waitFor({ state: 'detached' });
    expect(await page.getByTestId('turn').count()).toBe(2);
    expect(await turns('what time is it').count()).toBe(1);
    expect(await turns("what's the time").count()).toBe(1);
    await screenshot(page, 'conversation-history');
  }, 90_000);

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});

describe("the browser's microphone and speaker", () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    // The real test models: Kiwi listens (status.listening) only with a speech detector and a recognizer.
    dashboard = await openKiwiDashboard({
      name: 'browser-devices',
      config: { audio: { input: 'none', output: 'none' }, wake_word_engine: 'text', tts_provider: 'system', voice: { barge_in: false } },
      env: { KIWI_MODELS_DIR: TEST_MODELS_DIR },
      page: { args: fakeMicrophone(speechWav('devices', 'Testing the chosen microphone, one, two, three.')) },
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(() => dashboard?.close());

  it('picks a microphone and a speaker among the fake devices; the level meter shows the chosen one is alive', async () => {
    const { page } = ui;
    const mic = page.getByTestId('browser-mic');
    const speaker = page.getByTestId('browser-speaker');
    expect(await page.getByRole('combobox', { name: 'Microphone', exact: true }).getAttribute('data-testid')).toBe('browser-mic');
    expect(await page.getByRole('combobox', { name: 'Output device', exact: true }).getAttribute('data-testid')).toBe('browser-speaker');
    await mic.locator('option', { hasText: 'Fake Audio Input 2' }).waitFor({ state: 'attached' });
    await mic.selectOption({ label: 'Fake Audio Input 2' });
    await speaker.selectOption({ label: 'Fake Audio Output 1' });

    // The test meter opens the chosen microphone alone (nothing goes to Kiwi).
    await page.getByTestId('browser-mic-test').click();
    await expect.poll(async () => Number(await page.getByTestId('browser-mic-test-level').getAttribute('data-db')), { timeout: 15_000 }).toBeGreaterThan(-40);
    await page.getByTestId('browser-mic-test').click();

    // Streaming uses it too, and a different pick while streaming switches to it.
    await page.getByTestId('mic-toggle').click();
    await page.getByTestId('mic-device').filter({ hasText: 'Listening on: Fake Audio Input 2' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => Number(await page.getByTestId('mic-level').getAttribute('data-db')), { timeout: 15_000 }).toBeGreaterThan(-40);
    await mic.selectOption({ label: 'Fake Audio Input 1' });
    await page.getByTestId('mic-device').filter({ hasText: 'Listening on: Fake Audio Input 1' }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => (await kiwi.api<{ web_audio_clients: number }>('GET', '/api/status')).json.web_audio_clients).toBe(1);
    await screenshot(page, 'microphone-devices');
    await page.getByRole('button', { name: 'Stop microphone' }).click();

    // Remembered by this browser.
    await page.reload();
    await page.getByTestId('browser-mic').locator('option', { hasText: 'Fake Audio Input 1' }).waitFor({ state: 'attached' });
    expect(await page.getByTestId('browser-mic').locator('option:checked').textContent()).toBe('Fake Audio Input 1');
    expect(await page.getByTestId('browser-speaker').locator('option:checked').textContent()).toBe('Fake Audio Output 1');
  }, 90_000);

  it('the desktop app: its settings pick the device, and the hidden audio window switches to it', async () => {
    // The desktop entry over a stand-in preload bridge; the two windows share the app's storage, as Electron's do.
    const desktop = await openDashboard(kiwi.url, { args: fakeMicrophone(speechWav('devices', 'Testing the chosen microphone, one, two, three.')) });
    try {
      await desktop.context.addInitScript({ content: preloadStandin({ audio: 'accepted' }) });
      const audio = await desktop.context.newPage();
      await audio.goto(`${kiwi.url}/desktop.html?window=audio`);
      // Kiwi is listening: the audio window opens the default microphone and streams it.
      await audio.locator('[data-testid=audio-window][data-status=on]').waitFor({ timeout: 15_000 });
      expect(await audio.getByTestId('audio-window').getAttribute('data-device')).toBe('Fake Default Audio Input');
      await expect.poll(() => audio.evaluate('window.kiwiAudioFrames')).toBeGreaterThan(10);

      const { page } = desktop;
      await page.goto(`${kiwi.url}/desktop.html?window=settings`);
      const panel = page.getByTestId('panel-devices');
      const mic = panel.getByRole('combobox', { name: 'Microphone', exact: true });
      await mic.locator('option', { hasText: 'Fake Audio Input 2' }).waitFor({ state: 'attached' });
      await mic.selectOption({ label: 'Fake Audio Input 2' });
      await panel.getByRole('combobox', { name: 'Output device', exact: true }).selectOption({ label: 'Fake Audio Output 2' });
      await audio.locator('[data-testid=audio-window][data-status=on][data-device="Fake Audio Input 2"]').waitFor({ timeout: 15_000 });
      expect(await audio.getByTestId('audio-window').textContent()).not.toMatch(/\(/); // no error (the speaker switch included)

      await panel.getByTestId('desktop-mic-test').click();
      await expect.poll(async () => Number(await panel.getByTestId('desktop-mic-test-level').getAttribute('data-db')), { timeout: 15_000 }).toBeGreaterThan(-40);
      await screenshot(page, 'desktop-settings-devices');
      expect(desktop.problems).toEqual([]);
    } finally {
      await desktop.close();
    }
  }, 90_000);

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});

describe("the server's Microphone and Output device in Settings", () => {
  let pulse: PulseServer;
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    pulse = await startPulseServer({ sinks: { kiwi_desk: 'Desk-Speaker', kiwi_room: 'Room-Speaker' }, sources: { kiwi_mic: 'Null Input' } });
    await pulse.pactl('set-default-sink', 'kiwi_room');
    dashboard = await openKiwiDashboard({
      name: 'server-devices',
      config: { audio: { input: 'none', output: 'none' } },
      env: { HOME: pulse.env.HOME!, XDG_RUNTIME_DIR: pulse.env.XDG_RUNTIME_DIR! },
    });
    ({ kiwi, ui } = dashboard);
  }, 60_000);
  afterAll(async () => {
    await dashboard?.close();
    await pulse?.stop();
  });

  it("lists the server's devices and saves the chosen ones", async () => {
    const { page } = ui;
    await openView(page, 'Settings');
    const input = page.getByLabel('Microphone (input)');
    const output = page.getByLabel('Output device (output)');
    await output.locator('option', { hasText: 'Room-Speaker (system default)' }).waitFor({ state: 'attached' });
    await input.locator('option', { hasText: 'Null Input' }).waitFor({ state: 'attached' });
    await input.selectOption('pulse:kiwi_mic');
    await output.selectOption({ label: 'Desk-Speaker' });
    await page.getByTestId('config-save').click();
    await page.getByTestId('config-saved').waitFor();
    const config = (await kiwi.api<{ audio: { input: string; output: string } }>('GET', '/api/config')).json;
    expect(config.audio).toEqual({ input: 'pulse:kiwi_mic', output: 'pulse:kiwi_desk' });
    // Kiwi opened the chosen microphone.
    await expect.poll(async () => (await kiwi.api<{ system_microphone: { recorder: string } | null }>('GET', '/api/status')).json.system_microphone?.recorder, { timeout: 15_000 }).toBe('parec');
    await page.getByTestId('panel-config').screenshot({ path: 'e2e/output/settings-devices.png' });
  }, 60_000);

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
