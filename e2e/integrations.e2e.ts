import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../main/integrations/testing/mosquitto.ts';
import { openView, screenshot, type OpenedPage } from './support/browser.ts';
import { openKiwiDashboard, type KiwiDashboard } from './support/kiwi-dashboard.ts';
import type { KiwiServer } from './support/kiwi-server.ts';

/**
 * The "Kiwi in Home Assistant" panel against a real `kiwi serve` publishing to a real Mosquitto
 * broker and serving Wyoming: connection, broker, entities published and Wyoming clients.
 */
describe('Home Assistant integrations panel', () => {
  let broker: Mosquitto;
  let dashboard: KiwiDashboard;
  let kiwi: KiwiServer;
  let ui: OpenedPage;

  beforeAll(async () => {
    broker = await startMosquitto();
    dashboard = await openKiwiDashboard({
      name: 'integrations',
      config: { audio: { input: 'none', output: 'none' }, mqtt: { enabled: true, url: broker.url }, wyoming: { enabled: true, port: 0 } },
    });
    ({ kiwi, ui } = dashboard);
  });
  afterAll(async () => {
    await dashboard?.close();
    await broker?.cleanup();
  });

  it('shows the MQTT device and the Wyoming service with its clients', async () => {
    const { page } = ui;
    await openView(page, 'Home Assistant');
    await page.getByTestId('mqtt-connected').filter({ hasText: /^connected$/ }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('mqtt-broker').textContent()).toBe(broker.url);
    expect(await page.getByTestId('mqtt-entities').textContent()).toBe('15');
    const { port } = (await kiwi.api<{ wyoming: { port: number } }>('GET', '/api/integrations')).json.wyoming;
    await page.getByTestId('wyoming-listening').filter({ hasText: `listening on 127.0.0.1:${port}` }).waitFor();

    // Home Assistant connects to Wyoming: the panel counts it (it re-reads every few seconds).
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await page.getByTestId('wyoming-clients').filter({ hasText: /^1$/ }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'integrations');
    socket.destroy();

    // The broker goes away: the panel follows at once (MQTT_CONNECTION_CHANGED).
    await broker.stop();
    await page.getByTestId('mqtt-connected').filter({ hasText: 'not connected' }).waitFor({ timeout: 15_000 });
  });

  it('logged no errors or CSP violations', () => {
    expect(ui.problems).toEqual([]);
  });
});
