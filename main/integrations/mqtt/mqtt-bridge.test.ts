import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../contract/events.ts';
import { startTestKiwi, type TestKiwi } from '../../testing/kiwi-test-server.ts';
import { HaStandIn } from '../testing/ha-standin.ts';
import { mosquittoMissing, startMosquitto, type Mosquitto } from '../testing/mosquitto.ts';

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
    for (const { doc } of docs) {
      expect(doc).toMatchObject({ availability_topic: 'kiwi/availability', device: { identifiers: ['kiwi'], name: 'Kiwi' } });
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

  it('removes its retained discovery configs when MQTT is switched off', async () => {
    kiwi = await startTestKiwi({ config: mqttConfig('right-password') });
    const ha = await HaStandIn.connect(broker.url.replace('mqtt://', 'mqtt://homeassistant:right-password@'));
    try {
      await ha.state('homeassistant/event/kiwi/turn/config', () => true);
      expect(configs(ha).length).toBe(15);
      await kiwi.request('PATCH', '/api/config', { body: { mqtt: { enabled: false } } });
      while (configs(ha).length > 0) await ha.next(() => true, ha.seen.length);
      // A client that subscribes now (HA after a restart) finds no Kiwi device left on the broker.
      const later = await HaStandIn.connect(broker.url.replace('mqtt://', 'mqtt://homeassistant:right-password@'));
      await later.publish('kiwi/probe', 'x');
      await later.next((s) => s.topic === 'kiwi/probe');
      expect(configs(later)).toEqual([]);
      await later.close();
      expect(((await kiwi.request('GET', '/api/integrations')).json as { mqtt: unknown }).mqtt).toMatchObject({ enabled: false, connected: false });
    } finally {
      await ha.close();
    }
  });
});
