/** Where Kiwi publishes and listens, from mqtt.discovery_prefix and mqtt.base_topic. */
export interface MqttTopics {
  /** The device id in discovery topics and unique ids (base_topic with / as _). */
  node: string;
  availability: string;
  /** HA's birth and last-will topic: `online` means HA (re)started and wants discovery again. */
  haStatus: string;
  state(object: string): string;
  command(object: string): string;
  event(object: string): string;
  /** All command topics, for one subscription. */
  commands: string;
  discovery(component: string, object: string): string;
  /** Wildcard over Kiwi's retained discovery configs (to clear them). */
  discoveryFilter: string;
}

export function mqttTopics(discoveryPrefix: string, baseTopic: string): MqttTopics {
  const node = baseTopic.replaceAll('/', '_');
  return {
    node,
    availability: `${baseTopic}/availability`,
    haStatus: `${discoveryPrefix}/status`,
    state: (object) => `${baseTopic}/state/${object}`,
    command: (object) => `${baseTopic}/command/${object}`,
    event: (object) => `${baseTopic}/event/${object}`,
    commands: `${baseTopic}/command/+`,
    discovery: (component, object) => `${discoveryPrefix}/${component}/${node}/${object}/config`,
    discoveryFilter: `${discoveryPrefix}/+/${node}/+/config`,
  };
}
