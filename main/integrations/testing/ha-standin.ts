import mqtt, { type MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

/**
 * Home Assistant's side of MQTT for tests: a real MQTT client (the npm `mqtt` package) on the
 * test broker that watches the discovery prefix and Kiwi's topics the way HA does, and sends
 * commands and HA's birth message. It stands in for HA's MQTT integration, which cannot run here.
 */
export class HaStandIn {
  readonly seen: Seen[] = [];
  /** The last payload of every topic (an empty payload deletes, as for retained messages). */
  readonly latest = new Map<string, string>();
  readonly #waiters = new Set<() => void>();

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const text = payload.toString('utf8');
      this.seen.push({ topic, payload: text, retain: packet.retain });
      if (text === '') this.latest.delete(topic);
      else this.latest.set(topic, text);
      for (const wake of this.#waiters) wake();
    });
  }

  static async connect(url: string, topics: string[] = ['homeassistant/#', 'kiwi/#']): Promise<HaStandIn> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 500 });
    const standIn = new HaStandIn(client);
    await client.subscribeAsync(topics, { qos: 1 });
    return standIn;
  }

  /** Resolves with the first message from index `from` on that satisfies `match` (waits for messages, never a clock). */
  async next(match: (seen: Seen) => boolean, from = 0): Promise<Seen> {
    for (;;) {
      const found = this.seen.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      });
    }
  }

  /** Waits until `topic`'s latest payload satisfies `match`. */
  async state(topic: string, match: (payload: string) => boolean): Promise<string> {
    for (;;) {
      const value = this.latest.get(topic);
      if (value !== undefined && match(value)) return value;
      await this.next((s) => s.topic === topic, this.seen.length);
    }
  }

  publish(topic: string, payload: string, retain = false): Promise<unknown> {
    return this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
