import type { Config } from '../contract/config.ts';
import type { Clock } from '../platform/clock.ts';
import { publicUrl } from '../platform/public-url.ts';
import type { EventData, EventName } from '../contract/events.ts';
import { describeError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import { VERSION } from '../platform/version.ts';
import type { KiwiControl } from './control.ts';
import type { MqttBridge, MqttStatus } from './mqtt/mqtt-bridge.ts';
import { WyomingServer, type WyomingStatus } from './wyoming/server.ts';
import type { WyomingStages } from './wyoming/stages.ts';

export interface IntegrationsStatus {
  mqtt: MqttStatus;
  wyoming: WyomingStatus;
}

export interface IntegrationsDeps {
  config: () => Config;
  control: KiwiControl;
  stages: WyomingStages;
  emit: <K extends EventName>(event: K, data: EventData<K>, source: string) => void;
  logger: Logger;
  /** Kiwi's clock (paces Wyoming's refusal reports); the system clock when not given. */
  clock?: Clock;
}

/**
 * Home Assistant's two ways in (MQTT discovery, Wyoming), started, replaced and stopped as
 * their config groups change. Changes are applied one after another.
 */
export class Integrations {
  #mqtt: MqttBridge | null = null;
  /** The settings the running bridge was made with. */
  #mqttSettings: Config['mqtt'] | null = null;
  /** Why the bridge could not be made from the settings (a URL the MQTT client cannot use), or null. */
  #mqttError: string | null = null;
  #wyoming: WyomingServer | null = null;
  #wyomingError: string | null = null;
  #work: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IntegrationsDeps) {}

  start(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#startMqtt();
      await this.#startWyoming();
    });
  }

  /** After a config PATCH: restart what the changed keys belong to. */
  configChanged(changed: string[]): Promise<void> {
    const mqtt = changed.some((p) => p.startsWith('mqtt.'));
    const wyoming = changed.some((p) => p.startsWith('wyoming.'));
    if (!mqtt && !wyoming) return Promise.resolve();
    return this.#enqueue(async () => {
      if (mqtt) {
        // Disabled, or moved to other topics: HA must forget the device published under the old ones.
        const before = this.#mqttSettings;
        const now = this.deps.config().mqtt;
        const gone = !now.enabled || before?.discovery_prefix !== now.discovery_prefix || before?.base_topic !== now.base_topic;
        const old = this.#mqtt;
        this.#mqtt = null;
        await old?.close({ clear: gone });
        await this.#startMqtt();
      }
      if (wyoming) {
        const old = this.#wyoming;
        this.#wyoming = null;
        await old?.close();
        await this.#startWyoming();
      }
    });
  }

  status(): IntegrationsStatus {
    const { mqtt, wyoming } = this.deps.config();
    return {
      mqtt: this.#mqtt?.status() ?? { enabled: mqtt.enabled, connected: false, broker: mqtt.url ? publicUrl(mqtt.url) : null, entities: 0, error: this.#mqttError },
      wyoming: this.#wyoming?.status() ?? { enabled: wyoming.enabled, listening: false, host: wyoming.host, port: wyoming.port, clients: 0, error: this.#wyomingError },
    };
  }

  /**
   * Kiwi is shutting down: HA keeps the device (marked offline), Wyoming clients are disconnected.
   * A broker or change that hangs never holds the shutdown: after a few seconds Kiwi goes on
   * without it (the broker's last will marks Kiwi offline).
   */
  async close(): Promise<void> {
    const closing = this.#enqueue(async () => {
      await this.#mqtt?.close({ clear: false });
      await this.#wyoming?.close();
      this.#mqtt = null;
      this.#wyoming = null;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CLOSE_LIMIT_MS);
      timer.unref();
    });
    const outcome = await Promise.race([closing, late]).finally(() => clearTimeout(timer));
    if (outcome === 'late') this.deps.logger.warn(`Home Assistant integrations did not close within ${CLOSE_LIMIT_MS / 1000} s; shutting down without them`);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#work.then(task);
    this.#work = next.catch((err: unknown) => this.deps.logger.error({ err }, 'Home Assistant integrations failed to apply a change'));
    return this.#work;
  }

  async #startMqtt(): Promise<void> {
    const settings = this.deps.config().mqtt;
    this.#mqttSettings = settings;
    this.#mqttError = null;
    if (!settings.enabled || !settings.url) return;
    // Loaded only when used: the MQTT client costs a noticeable share of start-up time.
    const { MqttBridge } = await import('./mqtt/mqtt-bridge.ts');
    try {
      this.#mqtt = new MqttBridge({
        settings,
        control: this.deps.control,
        version: VERSION,
        onStatus: ({ connected, broker, error }) => {
          this.deps.emit('MQTT_CONNECTION_CHANGED', { connected, broker, error }, 'mqtt');
          if (error) this.deps.logger.warn(`mqtt: ${error}`);
        },
        onCommandError: (command, err) => this.deps.emit('ERROR', { code: 'mqtt_command_failed', message: `${command}: ${describeError(err)}` }, 'mqtt'),
      });
    } catch (err) {
      // The MQTT client refuses the URL itself (e.g. a host it cannot parse): no connection will ever be tried.
      const broker = publicUrl(settings.url);
      this.#mqttError = `cannot connect to ${broker}: ${describeError(err)} (check mqtt.url)`;
      this.deps.emit('MQTT_CONNECTION_CHANGED', { connected: false, broker, error: this.#mqttError }, 'mqtt');
      this.deps.logger.warn(`mqtt: ${this.#mqttError}`);
    }
  }

  async #startWyoming(): Promise<void> {
    const settings = this.deps.config().wyoming;
    this.#wyomingError = null;
    if (!settings.enabled) return;
    try {
      this.#wyoming = await WyomingServer.start(
        settings,
        this.deps.stages,
        (message) => this.deps.emit('ERROR', { code: 'wyoming_request_failed', message }, 'wyoming'),
        this.deps.clock,
      );
      this.deps.logger.info(`Wyoming service on ${settings.host}:${this.#wyoming.status().port}`);
    } catch (err) {
      this.#wyomingError = describeError(err);
      this.deps.emit('ERROR', { code: 'wyoming_unavailable', message: this.#wyomingError }, 'wyoming');
      this.deps.logger.error(`wyoming: ${this.#wyomingError}`);
    }
  }
}

/** How long shutting down waits for MQTT and Wyoming to close. */
const CLOSE_LIMIT_MS = 5000;
