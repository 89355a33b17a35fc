import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmStandin } from '../main/testing/llm-standins.ts';
import { sameNamedButtons } from './support/a11y.ts';
import { KIWI_DOWN, openView, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';

/**
 * Typed messages in the Conversation view: a long answer is stopped where it was asked (not only
 * on the Overview), and a message that could not be sent stays until dismissed.
 */
describe('typed messages in the conversation view', () => {
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;
  let llm: LlmStandin;

  beforeAll(async () => {
    llm = await LlmStandin.start('openai');
    dashboard = await openKiwiDashboard({
      name: 'chat-stop',
      config: { audio: { input: 'none', output: 'none' }, llm: { provider: 'openai', base_url: llm.baseUrl, model: 'test-model' } },
      ready: ({ page }) => page.getByTestId('state').filter({ hasText: /Idle|Listening/ }).waitFor(),
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
    await llm?.close();
  });

  it('a Stop button next to Send while Kiwi answers; it closes the request to the LLM and goes away', async () => {
    const { page } = ui;
    await openView(page, 'Conversation');
    const tokens = Array.from({ length: 300 }, (_, i) => `Sentence ${i + 1} of a very long story. `);
    llm.reply({ kind: 'stream', tokens, chunkBytes: [120], delayMs: 100 });
    const index = llm.requests.length;
    expect(await page.getByTestId('chat-stop').count()).toBe(0);

    await page.getByLabel('Speak the reply').uncheck();
    await page.getByTestId('chat-text').fill('Tell me a very long story.');
    await page.keyboard.press('Enter');
    await expect.poll(() => llm.requests.length).toBe(index + 1);
    // From the keyboard: from the message box, past "Speak the reply" (Send is off while the box is empty).
    // Named "Stop" (the ■ before it is hidden from screen readers, which would say "black square").
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    await stop.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.dataset.testid')).toBe('chat-stop');
    await page.keyboard.press('Enter');

    expect((await llm.whenClosed(index)).closedEarly).toBe(true);
    await stop.waitFor({ state: 'detached' });
    await expect.poll(async () => (await kiwi.api<{ state: string }>('GET', '/api/status')).json.state).not.toMatch(/THINKING|SPEAKING|PROCESSING/);
  });

  it('messages that could not be sent stay, each with a Dismiss that says which message it drops', async () => {
    const { page } = ui;
    await openView(page, 'Conversation');
    const refuse = (route: Route) => route.abort('connectionrefused');
    const texts = ['turn on the lights', 'turn off the lights'];
    await ui.tolerating([KIWI_DOWN], async () => {
      await page.route('**/api/chat', refuse);
      for (const text of texts) {
        await page.getByTestId('chat-text').fill(text);
        await page.keyboard.press('Enter');
        await page.getByTestId('pending-turn').filter({ hasText: text }).getByRole('alert').waitFor();
      }
      await page.unroute('**/api/chat', refuse);
    });
    expect(await sameNamedButtons(page)).toEqual([]); // not "Dismiss" twice
    for (const text of texts) {
      await page.getByRole('button', { name: `Dismiss the typed turn: ${text}`, exact: true }).click();
      await page.getByTestId('pending-turn').filter({ hasText: text }).waitFor({ state: 'detached' });
    }
  });

  it('logged no errors', () => {
    expect(ui.problems).toEqual([]);
  });
});
