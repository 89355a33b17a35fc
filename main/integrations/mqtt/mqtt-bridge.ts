import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { describeError } from '../../platform/errors.ts';
import type { KiwiControl } from '../control.ts';
import { runCommand } from './commands.ts';
import { discoveryPayload, kiwiEntities, sensorText, stateValues, type Entity } from './entities.ts';
import { publicUrl } from '../../platform/public-url.ts';
import { mqttTopics, type MqttTopics } from './topics.ts';

export interface MqttStatus {
  enabled: boolean;
  connected: boolean;
  /** The broker URL without credentials. */
  broker: string | null;
  /** Discovery configs published on the current connection. */
  entities: number;
  /** Why Kiwi is not connected (wrong credentials, broker unreachable), or null. */
  error: string | null;
}

export interface MqttBridgeOptions {
  settings: Config['mqtt'];
  control: KiwiControl;
  version: string;
  /** A connection change (the bus's MQTT_CONNECTION_CHANGED). */
  onStatus: (status: MqttStatus) => void;
  /** A command HA sent that Kiwi refused or could not carry out. */
  onCommandError: (command: string, err: unknown) => void;
}

/** Reconnect delays: 1 s doubling to 30 s, reset by a successful connection. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** CONNACK codes that mean "wrong credentials" (MQTT 3.1.1: 4, 5; MQTT 5: 134, 135): retrying cannot help. */
const AUTH_CODES = new Set([4, 5, 134, 135]);
/** Events too frequent to be worth a state check. */
const NOISY = new Set(['LLM_TOKEN', 'SPEECH_PARTIAL', 'MODEL_DOWNLOAD_PROGRESS']);

/**
 * Kiwi as a Home Assistant device over MQTT: retained discovery configs and states, commands
 * from HA carried out through KiwiControl, availability with a last will. One bridge per
 * settings; the integrations host replaces it when mqtt.* changes.
 */
export class MqttBridge {
  readonly #topics: MqttTopics;
  readonly #client: MqttClient;
  readonly #published = new Map<string, string>();
  #status: MqttStatus;
  #retryMs = FIRST_RETRY_MS;
  #retry: NodeJS.Timeout | null = null;
  #closed = false;
  /** The broker refused the credentials: retrying cannot help until they change (a new bridge). */
  #refused = false;
  /** The current connection attempt was accepted or reported an error: a close without either needs explaining. */
  #attemptExplained = false;
  #lastTranscript: string | null = null;
  #lastReply: string | null = null;
  readonly #offBus: () => void;

  constructor(private readonly options: MqttBridgeOptions) {
    const { settings } = options;
    this.#topics = mqttTopics(settings.discovery_prefix, settings.base_topic);
    this.#status = { enabled: true, connected: false, broker: publicUrl(settings.url), entities: 0, error: null };
    const clientOptions: IClientOptions = {
      clientId: `kiwi-${this.#topics.node}-${randomBytes(4).toString('hex')}`,
      username: settings.username || undefined,
      password: settings.password || undefined,
      will: { topic: this.#topics.availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
      reconnectPeriod: 0, // Kiwi backs off itself (see #scheduleRetry)
      connectTimeout: 10_000,
    };
    this.#client = mqtt.connect(settings.url, clientOptions);
    this.#client.on('connect', () => void this.#onConnect());
    this.#client.on('message', (topic, payload, packet) => {
      // A retained command (left on the broker by a misconfigured automation) would run again on every reconnect.
      if (packet.retain && topic !== this.#topics.haStatus) return;
      void this.#onMessage(topic, payload.toString('utf8'));
    });
    this.#client.on('error', (err) => this.#onError(err));
    this.#client.on('close', () => this.#onClose());
    this.#offBus = options.control.subscribe((envelope) => this.#onEvent(envelope));
  }

  status(): MqttStatus {
    return { ...this.#status };
  }

  /**
   * Disconnect. With `clear`, Kiwi's retained discovery configs and states are removed first, so Home
   * Assistant drops the device (mqtt disabled); otherwise Kiwi is only marked offline.
   */
  async close({ clear }: { clear: boolean }): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#offBus();
    if (this.#retry) clearTimeout(this.#retry);
    let said = false;
    if (this.#client.connected) {
      const goodbye = async () => {
        if (clear) {
          const snapshot = this.options.control.snapshot();
          const entities = kiwiEntities(this.#topics, snapshot);
          await Promise.all(entities.map((e) => this.#client.publishAsync(this.#topics.discovery(e.component, e.object), '', { retain: true, qos: 1 })));
          // The retained states go too: the last transcript and reply (what was said in the room) must not stay on the broker.
          const states = Object.keys({ ...stateValues(snapshot), last_transcript: '', last_reply: '' });
          await Promise.all(states.map((object) => this.#client.publishAsync(this.#topics.state(object), '', { retain: true, qos: 1 })));
        }
        await this.#client.publishAsync(this.#topics.availability, clear ? '' : 'offline', { retain: true, qos: 1 });
      };
      try {
        // A broker that stops answering must not hold Kiwi's shutdown: the last will marks Kiwi offline anyway.
        said = await withinMs(goodbye(), CLOSE_WAIT_MS);
      } catch (err) {
        this.options.onCommandError('disconnect', err); // the broker went away meanwhile: the last will marks Kiwi offline
      }
    }
    await this.#client.endAsync(!said); // forced when the goodbye did not get through: nothing left to wait for
  }

  async #onConnect(): Promise<void> {
    this.#attemptExplained = true;
    this.#retryMs = FIRST_RETRY_MS;
    this.#setStatus({ connected: true, error: null });
    try {
      await this.#client.subscribeAsync([this.#topics.commands, this.#topics.haStatus], { qos: 1 });
      await this.#publishAll();
    } catch (err) {
      if (this.#closed) return; // closed meanwhile (settings changed, MQTT switched off): not a broker problem
      this.#setStatus({ error: `publishing to the broker failed: ${describeError(err)}` });
    }
  }

  /** Discovery, availability and every state: on connect and whenever HA announces it (re)started. */
  async #publishAll(): Promise<void> {
    const snapshot = this.options.control.snapshot();
    const entities = kiwiEntities(this.#topics, snapshot);
    await Promise.all(entities.map((e) => this.#publishConfig(e)));
    this.#published.clear();
    await this.#client.publishAsync(this.#topics.availability, 'online', { retain: true, qos: 1 });
    await this.#syncStates();
    this.#setStatus({ entities: entities.length });
  }

  #publishConfig(entity: Entity): Promise<unknown> {
    const payload = JSON.stringify(discoveryPayload(entity, this.#topics, this.options.version));
    return this.#client.publishAsync(this.#topics.discovery(entity.component, entity.object), payload, { retain: true, qos: 1 });
  }

  /** Publish the states that changed since last time (retained, so HA sees them after its own restart). */
  async #syncStates(): Promise<void> {
    if (!this.#client.connected) return;
    const snapshot = this.options.control.snapshot();
    const values = { ...stateValues(snapshot), last_transcript: sensorText(this.#lastTranscript), last_reply: sensorText(this.#lastReply) };
    const options = snapshot.souls.map((s) => s.name).join('\n');
    const work: Array<Promise<unknown>> = [];
    if (this.#published.has('soul_options') && this.#published.get('soul_options') !== options) {
      // allow_nsfw changed or souls were added: HA learns the new options from a new config.
      const soulSelect = kiwiEntities(this.#topics, snapshot).find((e) => e.object === 'soul')!;
      work.push(this.#publishConfig(soulSelect));
    }
    this.#published.set('soul_options', options);
    for (const [object, value] of Object.entries(values)) {
      if (this.#published.get(object) === value) continue;
      this.#published.set(object, value);
      work.push(this.#client.publishAsync(this.#topics.state(object), value, { retain: true, qos: 0 }));
    }
    await Promise.all(work);
  }

  #onEvent({ event, data }: EventEnvelope): void {
    if (NOISY.has(event)) return;
    if (event === 'SPEECH_RECOGNIZED') this.#lastTranscript = String(data.transcript ?? data.text ?? '');
    if (event === 'TURN_FINISHED' && typeof data.reply === 'string') this.#lastReply = data.reply;
    if (event === 'WAKE_WORD_DETECTED') this.#fire('wake_word', 'wake_word_detected', data);
    if (event === 'TURN_FINISHED') this.#fire('turn', 'turn_finished', data);
    void this.#resync();
  }

  /** States published again; a failure shows in the MQTT status (the broker may have gone). */
  #resync(): Promise<void> {
    return this.#syncStates().catch((err: unknown) => {
      if (!this.#closed) this.#setStatus({ error: `publishing a state failed: ${describeError(err)}` });
    });
  }

  /** An HA event entity fires: its state topic gets `{event_type, …attributes}` (not retained: it happened once). */
  #fire(object: string, eventType: string, data: Record<string, unknown>): void {
    if (!this.#client.connected) return;
    const attributes = object === 'turn' ? { transcript: data.transcript, reply: data.reply, command: data.command, source: data.source } : data;
    this.#client.publish(this.#topics.event(object), JSON.stringify({ event_type: eventType, ...attributes }), { qos: 0 });
  }

  async #onMessage(topic: string, payload: string): Promise<void> {
    if (topic === this.#topics.haStatus) {
      if (payload === 'online') await this.#publishAll().catch((err: unknown) => this.#setStatus({ error: `re-publishing discovery failed: ${describeError(err)}` }));
      return;
    }
    const command = topic.slice(topic.lastIndexOf('/') + 1);
    try {
      await runCommand(this.options.control, command, payload);
    } catch (err) {
      this.options.onCommandError(command, err);
      // HA shows what it asked for until told otherwise: put the real state back.
      this.#published.delete(command);
      await this.#resync();
    }
  }

  #onError(err: Error & { code?: unknown }): void {
    this.#attemptExplained = true;
    if (typeof err.code === 'number' && AUTH_CODES.has(err.code)) {
      this.#refused = true;
      this.#setStatus({ connected: false, error: 'the broker refused the username or password (mqtt.username, mqtt.password); Kiwi will not retry until they change' });
      return;
    }
    this.#setStatus({ error: describeError(err) });
  }

  #onClose(): void {
    // Closed before the broker accepted Kiwi, with no error from the client (a server that hangs up, an HTTP server
    // that refuses the WebSocket upgrade): without this the status would say "not connected" and nothing more.
    const unexplained = !this.#attemptExplained && !this.#closed && !this.#retry; // a second close of the same attempt was explained by the first
    this.#attemptExplained = false; // the next attempt starts
    this.#setStatus(
      unexplained
        ? { connected: false, error: `${this.#status.broker} closed the connection without accepting Kiwi: is mqtt.url the address of an MQTT broker (for ws:// and wss://, with its WebSocket path)?` }
        : { connected: false },
    );
    if (this.#closed || this.#retry || this.#refused) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      if (!this.#closed) this.#client.reconnect();
    }, this.#retryMs);
    this.#retry.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
  }

  #setStatus(change: Partial<MqttStatus>): void {
    const before = this.#status;
    this.#status = { ...before, ...change };
    if (before.connected !== this.#status.connected || before.error !== this.#status.error) this.options.onStatus(this.status());
  }
}

/** How long closing waits for the broker to take Kiwi's goodbye (offline, or the cleared configs). */
const CLOSE_WAIT_MS = 3000;

/** Whether `work` finished within `ms` (its failure is thrown; a late finish is ignored). */
function withinMs(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}
