import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { startTestKiwi, type TestKiwi } from '../../testing/kiwi-test-server.ts';
import { HaStandIn } from '../testing/ha-standin.ts';
import type { KiwiControl } from '../control.ts';
import { mosquittoMissing, startMosquitto, type Mosquitto } from '../testing/mosquitto.ts';
import { MqttBridge, type MqttStatus } from './mqtt-bridge.ts';

/**
 * Kiwi as a Home Assistant device over MQTT, against a real Mosquitto broker. HA's MQTT
 * integration cannot run here; an MQTT client on the same broker stands in for it: it reads
 * the retained discovery configs and states, presses buttons and selects options on the command
 * topics, and sends HA's birth message, exactly as HA does on the wire.
 */

const CONFIG_TOPIC = /^homeassistant\/([a-z_]+)\/kiwi\/([a-z_]+)\/config$/;

/** Resolves with the first bus event that matches, emitted after this call. */
function nextEvent(kiwi: TestKiwi, match: (e: EventEnvelope) => boolean): Promise<EventEnvelope> {
  return new Promise((resolve) => {
    const off = kiwi.kiwi.runtime.bus.subscribe((e) => {
      if (!match(e)) return;
      off();
      resolve(e);
    });
  });
}

const configs = (ha: HaStandIn) =>
  [...ha.latest.entries()].filter(([topic]) => CONFIG_TOPIC.test(topic)).map(([topic, payload]) => ({ topic, doc: JSON.parse(payload) as Record<string, unknown> }));

describe('Kiwi as a Home Assistant device over MQTT (real Mosquitto)', () => {
  let broker: Mosquitto;
  let kiwi: TestKiwi;
  let ha: HaStandIn;

  beforeAll(async () => {
    expect(mosquittoMissing()).toBeNull();
    broker = await startMosquitto();
    ha = await HaStandIn.connect(broker.url);
    kiwi = await startTestKiwi({ env: { KIWI_MQTT_ENABLED: 'true', KIWI_MQTT_URL: broker.url, KIWI_TTS_PROVIDER: 'system' } });
    await ha.state('kiwi/availability', (p) => p === 'online');
  });
  afterAll(async () => {
    await kiwi?.cleanup();
    await ha?.close();
    await broker?.cleanup();
  });

  it('publishes retained discovery configs for one device, with unique ids and availability', async () => {
    await ha.next((s) => s.topic === 'homeassistant/event/kiwi/turn/config');
    const docs = configs(ha);
    const byObject = new Map(docs.map(({ topic, doc }) => [topic.match(CONFIG_TOPIC)![2]!, { component: topic.match(CONFIG_TOPIC)![1]!, doc }]));
    expect(Object.fromEntries([...byObject].map(([object, { component }]) => [object, component]))).toEqual({
      state: 'sensor',
      active_speaker: 'sensor',
      last_transcript: 'sensor',
      last_reply: 'sensor',
      language: 'sensor',
      next_timer: 'sensor',
      soul: 'select',
      language_select: 'select',
      listening: 'switch',
      stop: 'button',
      reset_context: 'button',
      say: 'text',
      announce: 'notify',
      wake_word: 'event',
      turn: 'event',
    });
    // Retained: a client that subscribes later (HA after its own restart) gets every config at once.
    const later = await HaStandIn.connect(broker.url);
    await later.next((s) => s.topic === 'homeassistant/event/kiwi/turn/config');
    expect(later.seen.filter((s) => CONFIG_TOPIC.test(s.topic)).map((s) => s.retain)).toEqual(docs.map(() => true));
    await later.close();
    expect(new Set(docs.map(({ doc }) => doc.unique_id)).size).toBe(docs.length);
    for (const { topic, doc } of docs) {
      expect(doc).toMatchObject({ availability_topic: 'kiwi/availability', device: { identifiers: ['kiwi'], name: 'Kiwi' } });
      // The entity id as current HA takes it (domain.id); the object_id HA 2026.4 ignores is not sent.
      const [, component, object] = topic.match(CONFIG_TOPIC)!;
      expect(doc.default_entity_id).toBe(`${component}.kiwi_${object}`);
      expect(doc).not.toHaveProperty('object_id');
    }
    // The soul select offers what may be chosen now: no 18+ soul while souls.allow_nsfw is off.
    expect(byObject.get('soul')!.doc.options).toContain('Default');
    expect(byObject.get('soul')!.doc.options).not.toContain('Siren');
    // Without listening models the engine stays IDLE (its voice loop needs VAD and STT).
    expect(await ha.state('kiwi/state/state', () => true)).toBe('IDLE');
    expect(await ha.state('kiwi/state/listening', () => true)).toBe('ON');
    expect(await ha.state('kiwi/state/language', () => true)).toBe('en');
  });

  it('keeps the transcript, reply and turn event current from a real turn', async () => {
    const from = ha.seen.length;
    const answer = await kiwi.request('POST', '/api/chat', { body: { text: 'what time is it', speak: false } });
    expect(answer.status).toBe(200);
    const reply = (answer.json as { reply: string }).reply;
    expect(await ha.state('kiwi/state/last_transcript', (p) => p !== 'None')).toBe('what time is it');
    expect(await ha.state('kiwi/state/last_reply', (p) => p === reply)).toBe(reply);
    const turn = await ha.next((s) => s.topic === 'kiwi/event/turn', from);
    expect(JSON.parse(turn.payload)).toMatchObject({ event_type: 'turn_finished', transcript: 'what time is it', reply, command: 'time' });
  });

  it('switches the soul from the select, and refuses an 18+ soul until allow_nsfw', async () => {
    const changed = nextEvent(kiwi, (e) => e.event === 'SOUL_CHANGED');
    await ha.publish('kiwi/command/soul', 'Comedian');
    expect((await changed).data).toMatchObject({ soul_id: 'comedian' });
    expect(await ha.state('kiwi/state/soul', (p) => p === 'Comedian')).toBe('Comedian');

    const refused = nextEvent(kiwi, (e) => e.event === 'ERROR');
    await ha.publish('kiwi/command/soul', 'siren');
    expect((await refused).data).toMatchObject({ code: 'mqtt_command_failed', message: expect.stringMatching(/^soul: .*18\+/) });
    expect(kiwi.kiwi.runtime.souls.active.id).toBe('comedian');

    // Allowed now: HA gets a new select config whose options include the 18+ soul, and may pick it.
    const from = ha.seen.length;
    expect((await kiwi.request('PATCH', '/api/config', { body: { souls: { allow_nsfw: true } } })).status).toBe(200);
    const select = await ha.next((s) => s.topic === 'homeassistant/select/kiwi/soul/config', from);
    expect((JSON.parse(select.payload) as { options: string[] }).options).toContain('Siren');
    await ha.publish('kiwi/command/soul', 'Siren');
    expect(await ha.state('kiwi/state/soul', (p) => p === 'Siren')).toBe('Siren');
    await kiwi.request('PATCH', '/api/config', { body: { souls: { allow_nsfw: false } } });
    expect(await ha.state('kiwi/state/soul', (p) => p !== 'Siren')).toBe('Default');
  });

  it('mutes and unmutes the microphones from the listening switch', async () => {
    await ha.publish('kiwi/command/listening', 'OFF');
    expect(await ha.state('kiwi/state/listening', (p) => p === 'OFF')).toBe('OFF');
    expect(kiwi.kiwi.runtime.config.current.listening).toBe(false);
    await ha.publish('kiwi/command/listening', 'ON');
    expect(await ha.state('kiwi/state/listening', (p) => p === 'ON')).toBe('ON');
    expect(kiwi.kiwi.runtime.config.current.listening).toBe(true);
  });

  it('says a text from the text entity, stops it from the stop button, and resets the context', async () => {
    // A speaker that plays at real-time pace (as a real one does), so there is something to stop.
    const removeSpeaker = kiwi.kiwi.runtime.hub.addSink({
      id: 'test-speaker',
      play: (audio, signal) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, (audio.samples.length / audio.sampleRate) * 1000);
          signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        }),
    });
    const speaking = nextEvent(kiwi, (e) => e.event === 'TTS_STARTED');
    await ha.publish('kiwi/command/say', 'The washing machine has finished.');
    expect((await speaking).data).toMatchObject({ text: expect.stringContaining('washing machine') });
    expect(await ha.state('kiwi/state/state', (p) => p === 'SPEAKING')).toBe('SPEAKING');
    const stopped = nextEvent(kiwi, (e) => e.event === 'TTS_FINISHED');
    await ha.publish('kiwi/command/stop', 'PRESS');
    expect((await stopped).data).toMatchObject({ interrupted: true });
    expect(await ha.state('kiwi/state/state', (p) => p !== 'SPEAKING')).toBe('IDLE');
    removeSpeaker();
    const reset = nextEvent(kiwi, (e) => e.event === 'CONTEXT_RESET');
    await ha.publish('kiwi/command/reset_context', 'PRESS');
    await reset;
  });

  it('re-publishes discovery when Home Assistant announces it started (birth message)', async () => {
    const from = ha.seen.length;
    await ha.publish('homeassistant/status', 'online');
    await ha.next((s) => s.topic === 'homeassistant/sensor/kiwi/state/config', from);
  });

  it('comes back after a broker restart: reconnects and publishes discovery again', async () => {
    const down = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && e.data.connected === false);
    await broker.restart();
    await down;
    const up = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && e.data.connected === true);
    // The broker keeps no retained messages across this restart: what HA sees now, Kiwi sent again.
    const fresh = await HaStandIn.connect(broker.url);
    try {
      await up;
      await fresh.state('homeassistant/switch/kiwi/listening/config', () => true);
      expect(await fresh.state('kiwi/availability', (p) => p === 'online')).toBe('online');
      const status = await kiwi.request('GET', '/api/integrations');
      expect(status.json).toMatchObject({ mqtt: { enabled: true, connected: true, broker: broker.url, entities: 15, error: null } });
    } finally {
      await fresh.close();
    }
  });

  it('never returns the password through the API', async () => {
    await kiwi.request('PATCH', '/api/config', { body: { mqtt: { password: 'not-used-anonymous-broker' } } });
    const view = (await kiwi.request('GET', '/api/config')).json as { mqtt: Record<string, unknown> };
    expect(view.mqtt).toMatchObject({ enabled: true, url: broker.url, base_topic: 'kiwi', discovery_prefix: 'homeassistant' });
    expect(view.mqtt).not.toHaveProperty('password');
    expect(JSON.stringify((await kiwi.request('GET', '/api/integrations')).json)).not.toContain('not-used');
  });
});

describe('MQTT settings changed at runtime (real Mosquitto)', () => {
  let broker: Mosquitto;
  let kiwi: TestKiwi | undefined;

  beforeAll(async () => {
    broker = await startMosquitto({ users: { homeassistant: 'right-password' } });
  });
  afterEach(async () => {
    await kiwi?.cleanup();
    kiwi = undefined;
  });
  afterAll(async () => broker?.cleanup());

  const mqttConfig = (password: string) => ({ mqtt: { enabled: true, url: broker.url, username: 'homeassistant', password } });

  it('with wrong credentials: a clear status, and no reconnect loop', async () => {
    kiwi = await startTestKiwi({ config: mqttConfig('wrong-password') });
    const status = async () => ((await kiwi!.request('GET', '/api/integrations')).json as { mqtt: { connected: boolean; error: string | null } }).mqtt;
    // Listen before asking: a refusal reported while the status request is on its way is not missed.
    const refused = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && (e.data as { error: string | null }).error !== null);
    if ((await status()).error === null) await refused;
    expect(await status()).toMatchObject({ connected: false, error: expect.stringContaining('refused the username or password') });
    const refusals = () => broker.log.filter((l) => l.includes('not authorised')).length;
    expect(refusals()).toBe(1);
    // A reconnect loop would have tried again within the first backoff (1 s) and the next (2 s).
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(refusals()).toBe(1);

    // Fixing the password (PATCH, as the dashboard does) connects at once.
    const up = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && e.data.connected === true);
    await kiwi.request('PATCH', '/api/config', { body: { mqtt: { password: 'right-password' } } });
    await up;
  }, 60_000); // a Kiwi of its own and a 3.5 s watch: room for a loaded machine

  it('refuses a broker URL no client can connect to, and shows why when the MQTT client refuses one', async () => {
    kiwi = await startTestKiwi({ config: mqttConfig('right-password') });
    const status = async () => ((await kiwi!.request('GET', '/api/integrations')).json as { mqtt: Record<string, unknown> }).mqtt;
    // Listen before asking: the bridge may have connected while Kiwi was still starting.
    const connected = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && e.data.connected === true);
    if ((await status()).connected !== true) await connected;

    // A port past 65535 or a broken host passes the mqtt:// pattern but names no broker: the PATCH says so and changes nothing.
    for (const url of ['mqtt://127.0.0.1:99999', 'mqtt://[::1']) {
      const refused = await kiwi.request('PATCH', '/api/config', { body: { mqtt: { url } } });
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({ error: { code: 'invalid_request', message: expect.stringMatching(/mqtt\.url: .*port from 1 to 65535/) } });
    }
    expect(await status()).toMatchObject({ connected: true, broker: broker.url, error: null });

    // A URL that parses but names no usable host (an invalid IDN label): the status and an event say why instead of
    // claiming all is well. Under Node 20 the MQTT client refuses it outright (Kiwi says so: "check mqtt.url", which the
    // old code swallowed, leaving error: null); under Node 24 its URL parser lets it through and the lookup fails.
    const why = /^cannot connect to mqtt:\/\/xn--:1883: .*check mqtt\.url|ENOTFOUND/;
    const failed = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && typeof e.data.error === 'string' && why.test(e.data.error));
    expect((await kiwi.request('PATCH', '/api/config', { body: { mqtt: { url: 'mqtt://xn--:1883' } } })).status).toBe(200);
    expect((await failed).data).toMatchObject({ connected: false, broker: 'mqtt://xn--:1883' });
    expect(await status()).toMatchObject({ enabled: true, connected: false, broker: 'mqtt://xn--:1883', error: expect.stringMatching(why) });

    // Back to the real broker: connected, and the error is gone.
    const up = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && e.data.connected === true);
    await kiwi.request('PATCH', '/api/config', { body: { mqtt: { url: broker.url } } });
    await up;
    expect(await status()).toMatchObject({ connected: true, error: null });
  }, 60_000);

  it('says why when the server at mqtt.url hangs up without an error (not a broker, a WebSocket upgrade refused)', async () => {
    // A TCP server that reads Kiwi's CONNECT and hangs up, as a service that is not an MQTT broker may.
    const hangUp = net.createServer((socket) => socket.once('data', () => socket.end()));
    await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
    const url = `mqtt://127.0.0.1:${(hangUp.address() as net.AddressInfo).port}`;
    const web = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      kiwi = await startTestKiwi({ config: { mqtt: { enabled: true, url } } });
      const status = async () => ((await kiwi!.request('GET', '/api/integrations')).json as { mqtt: { connected: boolean; error: string | null } }).mqtt;
      const explained = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && typeof e.data.error === 'string');
      if ((await status()).error === null) await explained;
      expect(await status()).toMatchObject({ connected: false, error: `${url} closed the connection without accepting Kiwi: is mqtt.url the address of an MQTT broker (for ws:// and wss://, with its WebSocket path)?` });

      // An HTTP server that answers the WebSocket upgrade with 404 (a wrong path): the same explanation, for that URL.
      const wsUrl = `ws://127.0.0.1:${(web.address() as net.AddressInfo).port}/wrong-path`;
      const refused = nextEvent(kiwi, (e) => e.event === 'MQTT_CONNECTION_CHANGED' && typeof e.data.error === 'string' && e.data.error.startsWith(wsUrl));
      await kiwi.request('PATCH', '/api/config', { body: { mqtt: { url: wsUrl } } });
      expect((await refused).data).toMatchObject({ connected: false, broker: wsUrl });
    } finally {
      await kiwi?.cleanup();
      kiwi = undefined;
      await new Promise((resolve) => hangUp.close(resolve));
      await new Promise((resolve) => web.close(resolve));
    }
  }, 60_000);

  it('removes its retained discovery configs and states when MQTT is switched off', async () => {
    kiwi = await startTestKiwi({ config: mqttConfig('right-password') });
    const ha = await HaStandIn.connect(broker.url.replace('mqtt://', 'mqtt://homeassistant:right-password@'));
    try {
      await ha.state('homeassistant/event/kiwi/turn/config', () => true);
      expect(configs(ha).length).toBe(15);
      await ha.state('kiwi/state/last_transcript', () => true);
      await kiwi.request('PATCH', '/api/config', { body: { mqtt: { enabled: false } } });
      // Availability is cleared last: once it is gone, Kiwi's goodbye is complete.
      while (configs(ha).length > 0 || ha.latest.has('kiwi/availability')) await ha.next(() => true, ha.seen.length);
      // A client that subscribes now (HA after a restart) finds no Kiwi device left on the broker, and none of
      // its retained states: what was last said and answered in the room does not stay behind.
      const later = await HaStandIn.connect(broker.url.replace('mqtt://', 'mqtt://homeassistant:right-password@'));
      await later.publish('kiwi/probe', 'x');
      await later.next((s) => s.topic === 'kiwi/probe');
      expect(configs(later)).toEqual([]);
      expect([...later.latest.keys()]).toEqual(['kiwi/probe']);
      await later.close();
      expect(((await kiwi.request('GET', '/api/integrations')).json as { mqtt: unknown }).mqtt).toMatchObject({ enabled: false, connected: false });
    } finally {
      await ha.close();
    }
  });
});

describe('An MQTT bridge closed while it connects (real Mosquitto)', () => {
  it('reports no broker failure for the publishes that closing cut short', async () => {
    const broker = await startMosquitto();
    const control = {
      subscribe: () => () => undefined,
      snapshot: () => ({ state: 'IDLE', active_speaker: null, language: 'en', listening: true, soul: { id: 'default', name: 'Default' }, souls: [], next_timer: null }),
    } as unknown as KiwiControl;
    const reported: MqttStatus[] = [];
    let closed: (done: Promise<void>) => void = () => undefined;
    const closing = new Promise<Promise<void>>((resolve) => (closed = resolve));
    try {
      // Closed the moment it connects, as when mqtt.* is changed again while Kiwi is still subscribing and publishing.
      const bridge: MqttBridge = new MqttBridge({
        settings: { ...DEFAULT_CONFIG.mqtt, enabled: true, url: broker.url },
        control,
        version: 'test',
        onStatus: (status) => {
          reported.push(status);
          if (status.connected) closed(bridge.close({ clear: false }));
        },
        onCommandError: (command, err) => reported.push({ ...bridge.status(), error: `${command}: ${String(err)}` }),
      });
      await (await closing);
      expect(bridge.status()).toMatchObject({ connected: false, error: null });
      expect(reported.filter((s) => s.error !== null)).toEqual([]);
    } finally {
      await broker.cleanup();
    }
  });
});
