import { LANGUAGES } from '../../contract/languages.ts';
import type { KiwiSnapshot } from '../control.ts';
import type { MqttTopics } from './topics.ts';

/** The Home Assistant MQTT platforms Kiwi publishes (event entities need HA 2023.8, notify 2024.5). */
export type Component = 'sensor' | 'select' | 'switch' | 'button' | 'text' | 'notify' | 'event';

export interface Entity {
  component: Component;
  /** Unique within Kiwi's device; part of the unique id and of the discovery topic. */
  object: string;
  /** Shown in HA after the device name ("Kiwi State"). */
  name: string;
  icon: string;
  /** Platform-specific discovery fields (topics, options, payloads). */
  fields: Record<string, unknown>;
}

/** HA refuses sensor states longer than this. */
export const MAX_STATE_CHARS = 255;

const on = (value: boolean) => (value ? 'ON' : 'OFF');

/**
 * Every entity Kiwi shows in Home Assistant. Built from a snapshot because the soul select's
 * options are the souls allowed right now; the rest is fixed.
 */
export function kiwiEntities(topics: MqttTopics, snapshot: KiwiSnapshot): Entity[] {
  const sensor = (object: string, name: string, icon: string, extra: Record<string, unknown> = {}): Entity => ({
    component: 'sensor',
    object,
    name,
    icon,
    fields: { state_topic: topics.state(object), ...extra },
  });
  return [
    sensor('state', 'State', 'mdi:bird', { device_class: 'enum', options: ['IDLE', 'LISTENING', 'PROCESSING', 'THINKING', 'SPEAKING'] }),
    sensor('active_speaker', 'Active speaker', 'mdi:account-voice'),
    sensor('last_transcript', 'Last transcript', 'mdi:text-recognition'),
    sensor('last_reply', 'Last reply', 'mdi:message-reply-text'),
    sensor('language', 'Language', 'mdi:translate'),
    sensor('next_timer', 'Next timer', 'mdi:timer-outline', { device_class: 'timestamp' }),
    {
      component: 'select',
      object: 'soul',
      name: 'Soul',
      icon: 'mdi:drama-masks',
      fields: { state_topic: topics.state('soul'), command_topic: topics.command('soul'), options: snapshot.souls.map((s) => s.name) },
    },
    {
      component: 'select',
      object: 'language_select',
      name: 'Language',
      icon: 'mdi:translate',
      fields: { state_topic: topics.state('language'), command_topic: topics.command('language'), options: [...LANGUAGES] },
    },
    {
      component: 'switch',
      object: 'listening',
      name: 'Listening',
      icon: 'mdi:microphone',
      fields: { state_topic: topics.state('listening'), command_topic: topics.command('listening'), payload_on: on(true), payload_off: on(false) },
    },
    { component: 'button', object: 'stop', name: 'Stop', icon: 'mdi:stop', fields: { command_topic: topics.command('stop'), payload_press: 'PRESS' } },
    {
      component: 'button',
      object: 'reset_context',
      name: 'Reset context',
      icon: 'mdi:broom',
      fields: { command_topic: topics.command('reset_context'), payload_press: 'PRESS' },
    },
    { component: 'text', object: 'say', name: 'Say', icon: 'mdi:bullhorn', fields: { command_topic: topics.command('say'), max: MAX_STATE_CHARS, mode: 'text' } },
    { component: 'notify', object: 'announce', name: 'Announce', icon: 'mdi:bullhorn', fields: { command_topic: topics.command('say') } },
    {
      component: 'event',
      object: 'wake_word',
      name: 'Wake word',
      icon: 'mdi:account-voice',
      fields: { state_topic: topics.event('wake_word'), event_types: ['wake_word_detected'] },
    },
    {
      component: 'event',
      object: 'turn',
      name: 'Turn',
      icon: 'mdi:message-check',
      fields: { state_topic: topics.event('turn'), event_types: ['turn_finished'] },
    },
  ];
}

/** The retained values of the state topics for one snapshot (sensor states capped at HA's limit). */
export function stateValues(snapshot: KiwiSnapshot): Record<string, string> {
  return {
    state: snapshot.state,
    active_speaker: snapshot.active_speaker ?? 'None',
    language: snapshot.language,
    next_timer: snapshot.next_timer ?? 'None',
    soul: snapshot.soul.name,
    listening: on(snapshot.listening),
  };
}

/** A sensor's text as HA accepts it. */
export function sensorText(text: string | null | undefined): string {
  if (!text) return 'None';
  return text.length > MAX_STATE_CHARS ? `${text.slice(0, MAX_STATE_CHARS - 1)}…` : text;
}

/** The discovery document for one entity: HA creates the entity, ties it to Kiwi's device and watches availability. */
export function discoveryPayload(entity: Entity, topics: MqttTopics, version: string): Record<string, unknown> {
  return {
    name: entity.name,
    unique_id: `${topics.node}_${entity.object}`,
    // The entity id HA gives it (HA 2025.10 deprecated object_id for this and 2026.4 ignores it; older HA drops unknown keys).
    default_entity_id: `${entity.component}.${topics.node}_${entity.object}`,
    icon: entity.icon,
    availability_topic: topics.availability,
    payload_available: 'online',
    payload_not_available: 'offline',
    device: { identifiers: [topics.node], name: 'Kiwi', manufacturer: 'Kiwi', model: 'Kiwi voice assistant', sw_version: version },
    origin: { name: 'Kiwi', sw_version: version },
    ...entity.fields,
  };
}
