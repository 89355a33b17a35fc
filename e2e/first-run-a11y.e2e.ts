import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../main/engine/models/catalog.ts';
import { closedPort } from '../main/llm/testing/collect.ts';
import { LlmStandin } from '../main/testing/llm-standins.ts';
import { unnamedControls } from './support/a11y.ts';
import { LIVE_TEXT, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import { TEST_MODELS_DIR } from './support/kiwi-server.ts';
import { seedSpeakers } from './support/seed.ts';

/**
 * The "Get Kiwi talking" panel for keyboard and screen-reader users: the focus when the panel goes
 * with its last step, and one announcement when "Download all" fails offline.
 */
describe('the first-run panel going away with its last step', () => {
  let ollama: LlmStandin;
  let dashboard: KiwiDashboard;
  let ui: OpenedPage;

  beforeAll(async () => {
    ollama = await LlmStandin.start('ollama', { models: ['llama3.2:latest'] });
    // Everything but the LLM: the owner is enrolled and the test models hear, understand, recognise and speak.
    dashboard = await openKiwiDashboard({
      name: 'first-run-last-step',
      config: {
        audio: { input: 'none', output: 'none' },
        wake_word_engine: 'text',
        tts_provider: 'piper',
        llm: { local_ports: { ollama: ollama.port, lmstudio: await closedPort(), llamacpp: await closedPort() } },
      },
      env: { KIWI_MODELS_DIR: TEST_MODELS_DIR },
      prepare: (dir) => seedSpeakers(dir, [{ name: 'Ada', priority: 0 }]),
    });
    ({ ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
    await ollama?.close();
  });

  it('moves the focus to the next panel’s heading, not the page, when choosing the LLM completes it', async () => {
    const { page } = ui;
    const panel = page.getByTestId('panel-first-run');
    const use = panel.getByTestId('local-llm-ollama').getByRole('button', { name: 'Use Ollama' });
    await use.waitFor({ timeout: 60_000 });
    // The LLM is the one step left.
    await expect.poll(() => panel.locator('[data-capability][data-ok=false]').evaluateAll((els) => els.map((el) => el.getAttribute('data-capability'))), { timeout: 60_000 }).toEqual(['answer']);
    expect(await unnamedControls(page)).toEqual([]); // the LLM step's controls have names too
    await use.focus();
    await page.keyboard.press('Enter');
    await panel.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(`document.activeElement?.tagName + ' ' + document.activeElement?.textContent`)).toBe('H2 Status');
    // From there the next Tab goes on into the Status panel, not back to the top of the page.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`!!document.activeElement?.closest('[data-testid=panel-status], [data-testid=panel-status] ~ *')`)).toBe(true);
  });

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});

describe('"Download all" offline', () => {
  let dashboard: KiwiDashboard;
  let ui: OpenedPage;

  beforeAll(async () => {
    // The real catalog, its files on a port nobody listens on: every download fails as it would offline.
    const port = await closedPort();
    const catalog = await loadCatalog();
    const offline = { ...catalog, models: catalog.models.map((m) => ({ ...m, files: m.files.map((f) => ({ ...f, url: `http://127.0.0.1:${port}/${m.id}/${path.basename(new URL(f.url).pathname)}` })) })) };
    dashboard = await openKiwiDashboard({ name: 'first-run-offline', config: { audio: { input: 'none', output: 'none' } }, models: { catalog: offline } });
    ({ ui } = dashboard);
  });
  afterAll(() => dashboard?.close());

  it('announces one summary of the failures, while each part’s row shows its own error', async () => {
    const { page } = ui;
    const button = page.getByTestId('download-recommended');
    await button.filter({ hasText: /^Download all \d+/ }).waitFor({ timeout: 60_000 });
    const count = Number((await button.textContent())!.match(/^Download all (\d+)/)![1]);
    // Every change of what the live regions say about failures, as a screen reader is told it.
    await page.evaluate(`(() => {
      window.__said = [];
      const note = () => {
        const text = (${LIVE_TEXT}).split(' | ').filter((t) => /fail/i.test(t)).join(' | ');
        if (text && window.__said.at(-1) !== text) window.__said.push(text);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    await button.focus();
    await page.keyboard.press('Enter');
    const rows = page.locator('[data-testid^=setup-][data-installed=false]');
    await expect.poll(() => rows.count()).toBe(count);
    await expect.poll(() => rows.locator('.inline-error').count(), { timeout: 60_000 }).toBe(count);
    await button.filter({ hasText: /^Download all/ }).waitFor();

    const panel = page.getByTestId('panel-first-run');
    const alerts = panel.getByRole('alert');
    await expect.poll(() => alerts.count()).toBe(1);
    const summary = (await alerts.textContent())!;
    expect(summary).toMatch(new RegExp(`^${count} downloads failed`));
    for (const purpose of await rows.locator('.purpose').allTextContents()) expect(summary).toContain(purpose);
    // Each row still shows its error, and it is part of the one summary.
    for (const error of await rows.locator('.inline-error').allTextContents()) {
      expect(error.length).toBeGreaterThan(0);
      expect(summary).toContain(error);
    }
    // Said once: no live region ever carried the failures part by part before the summary.
    const said = (await page.evaluate(`window.__said`)) as string[];
    expect(said, JSON.stringify(said)).toEqual([summary]);
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
