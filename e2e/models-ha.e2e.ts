import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../main/engine/models/testing/loopback-server.ts';
import { randomBody, sha256, testCatalog } from '../main/engine/models/testing/test-catalog.ts';
import { FakeHomeAssistant } from '../main/testing/fake-home-assistant.ts';
import { openView, screenshot, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import { type KiwiServer, TEST_MODELS_DIR } from './support/kiwi-server.ts';

/**
 * The models panel (download with progress, installed afterwards) and the Home Assistant panel
 * (status, test command) against a real `kiwi serve`. The download takes the catalog's own
 * silero_vad.onnx from <models>/downloads, Kiwi's offline path: no network, but the same
 * sha256 check, install and events as a download.
 */
const VAD_FILE = path.join(TEST_MODELS_DIR, 'silero-vad', 'silero_vad.onnx');
const HA_TOKEN = 'fake-ha-token-for-e2e';

describe('models and Home Assistant panels', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  const ha = new FakeHomeAssistant(HA_TOKEN);

  beforeAll(async () => {
    await ha.start();
    dashboard = await openKiwiDashboard({
      name: 'models-ha',
      config: { audio: { input: 'none', output: 'none' }, homeassistant: { enabled: true, url: ha.url, token: HA_TOKEN } },
      models: {
        prepare: async (modelsDir) => {
          await fs.mkdir(path.join(modelsDir, 'downloads'));
          await fs.copyFile(VAD_FILE, path.join(modelsDir, 'downloads', 'silero_vad.onnx'));
        },
      },
      // The test makes Home Assistant fail and go away on purpose (and deletes a model in use); Chromium logs those answers (502, 503, 409) as console errors.
      page: { expectedErrors: [/status of 502/, /status of 503/, /status of 409/] }, // 409: deleting a model in use, on purpose
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
    await ha.stop();
  });

  it('lists the catalog and downloads a model with progress until it is installed', async () => {
    const { page } = ui;
    await openView(page, 'Models');
    const listed = (await kiwi.api<{ models: Array<{ id: string }> }>('GET', '/api/models')).json.models;
    await expect.poll(() => page.locator('tbody tr').count()).toBe(listed.length);
    await page.getByTestId('models-summary').filter({ hasText: `0 of ${listed.length} installed` }).waitFor();
    await screenshot(page, 'models');

    const row = page.getByTestId('model-silero-vad');
    const activeLabel = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName`);
    // By keyboard: the focus follows the row's status (Download, then Cancel, then Delete), never dropped to the page.
    await row.getByRole('button', { name: 'Download' }).focus();
    await page.keyboard.press('Enter');
    await row.getByText('installed', { exact: true }).waitFor({ timeout: 30_000 });
    await expect.poll(activeLabel).toMatch(/^Delete Silero VAD/);
    expect(await row.getAttribute('data-installed')).toBe('true');
    const after = (await kiwi.api<{ models: Array<{ id: string; installed: boolean }> }>('GET', '/api/models')).json.models;
    expect(after.find((m) => m.id === 'silero-vad')?.installed).toBe(true);
    await page.getByTestId('models-summary').filter({ hasText: `1 of ${listed.length} installed` }).waitFor();

    // The engine picked the VAD up by itself; deleting it is refused (in use) with the reason, and nothing is lost.
    await expect.poll(async () => (await kiwi.api<{ missing: string[] }>('GET', '/api/status')).json.missing.some((l) => l.startsWith('vad:'))).toBe(false);
    await page.keyboard.press('Enter');
    expect(await activeLabel()).toMatch(/^Keep Silero VAD/); // the confirm step opens on the safe choice
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'is in use' }).waitFor();
    expect(await row.getAttribute('data-installed')).toBe('true');
    // Refused: the step stays, with the focus, to keep the model (or try again).
    await expect.poll(() => page.evaluate(`document.activeElement?.textContent`)).toMatch(/^Really delete Silero VAD/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await activeLabel()).toMatch(/^Delete Silero VAD/);

    // The progress the page folded from MODEL_DOWNLOAD_* events is in the log, with byte counts.
    await openView(page, 'Overview');
    await page.getByTestId('event-filter').selectOption('MODEL_DOWNLOAD_PROGRESS');
    const progress = await page.getByTestId('event-log').locator('li').first().textContent();
    expect(progress).toContain('"bytes":2327524');
    expect(progress).toContain('"total":2327524');
    await page.getByTestId('event-filter').selectOption('MODEL_DOWNLOAD_COMPLETED');
    await page.getByTestId('event-log').locator('li').first().waitFor();
    await page.getByTestId('event-filter').selectOption('');
  });

  it('shows the Home Assistant connection and answers a test command', async () => {
    const { page } = ui;
    await openView(page, 'Home Assistant');
    await page.getByTestId('ha-enabled').filter({ hasText: 'yes' }).waitFor();
    await page.getByTestId('ha-connected').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Test command').fill('turn on the bedroom lights');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByTestId('ha-answer').filter({ hasText: 'Done, bedroom lights are on.' }).waitFor();
    const sent = ha.requests.find((r) => r.path === '/api/conversation/process');
    expect(sent?.body).toMatchObject({ text: 'turn on the bedroom lights' });
    await screenshot(page, 'homeassistant');

    // Home Assistant fails: the command shows its error, naming what Home Assistant answered.
    ha.mode = 'error';
    await page.getByLabel('Test command').fill('turn off the lights');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: 'Home Assistant answered 500' }).waitFor();
    ha.mode = 'ok';

    // Home Assistant goes away: a command says it cannot be reached, the status follows at once, and comes back with it.
    await ha.stop();
    await page.getByLabel('Test command').fill('turn off the lights');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('alert').filter({ hasText: /could not be reached/ }).waitFor();
    await page.getByTestId('ha-connected').filter({ hasText: /^not connected$/ }).waitFor({ timeout: 15_000 });
    await ha.start(); // on the same port
    await page.getByTestId('ha-connected').filter({ hasText: /^connected$/ }).waitFor({ timeout: 30_000 });
  });

  it('logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});

describe('cancelling a download from the models panel', () => {
  const body = randomBody(6_000_000);
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  let files: LoopbackServer;

  beforeAll(async () => {
    files = await startLoopbackServer({ '/slow.bin': { body, slow: true } });
    const catalog = testCatalog('slow-model', [{ url: files.url('/slow.bin'), sha256: sha256(body), size: body.length }]);
    // A task no engine stage runs: the engine, which picks up installed models by itself, never loads (or fetches) these random bytes.
    catalog.models[0] = { ...catalog.models[0]!, task: 'punct', engine: 'sherpa-punct' };
    dashboard = await openKiwiDashboard({ name: 'models-cancel', config: { audio: { input: 'none', output: 'none' } }, models: { catalog } });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
    await files?.close();
  });

  it('Cancel stops the download, the row offers Download again, and that resumes', async () => {
    const { page } = ui;
    await openView(page, 'Models');
    const row = page.getByTestId('model-slow-model');
    const activeLabel = () => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName`);
    // By keyboard: Download turns into the progress, and the focus moves to its Cancel (not to the page).
    await row.getByRole('button', { name: 'Download' }).focus();
    await page.keyboard.press('Enter');
    await row.getByTestId('progress-slow-model').waitFor();
    await expect.poll(activeLabel).toMatch(/^Cancel the download of /);
    // Some bytes kept before the cancel (the row shows progress from 0 B): that is what the resume below continues.
    const part = path.join(dashboard.modelsDir!, 'downloads', 'slow.bin.part');
    await expect.poll(async () => (await fs.stat(part).catch(() => null))?.size ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.keyboard.press('Enter');

    await row.getByRole('alert').filter({ hasText: 'cancelled' }).waitFor();
    await row.getByRole('button', { name: 'Download' }).waitFor();
    await expect.poll(activeLabel).toMatch(/^Download /); // back where it started
    const listed = (await kiwi.api<{ models: Array<{ id: string; downloading: boolean; installed: boolean }> }>('GET', '/api/models')).json.models;
    expect(listed.find((m) => m.id === 'slow-model')).toMatchObject({ downloading: false, installed: false });

    await row.getByRole('button', { name: 'Download' }).click();
    await row.getByText('installed', { exact: true }).waitFor({ timeout: 30_000 });
    const ranges = files.requests.map((r) => r.range ?? 'whole file');
    expect(ranges.at(-1), `requests: ${ranges.join(', ')}`).toMatch(/^bytes=[1-9][0-9]*-$/); // resumed from the kept .part
  }, 60_000);
});
