import type { EventEnvelope } from '../../../main/contract/events.ts';
import type { Answer, KiwiClient } from '../client/kiwi-client.ts';

/** What the dashboard shows, each piece as one GET of the contract answers it. */
export interface Resources {
  status: Answer<'status'>;
  souls: Answer<'souls'>;
  config: Answer<'getConfig'>;
  speakers: Answer<'listSpeakers'>;
  languages: Answer<'languages'>;
  models: Answer<'listModels'>;
  ha: Answer<'haStatus'>;
  integrations: Answer<'integrations'>;
  timers: Answer<'listTimers'>;
  approvals: Answer<'listApprovals'>;
  /** First run: the recommended models for the language (GET /api/setup). */
  setup: Answer<'setupPlan'>;
}
export type ResourceName = keyof Resources;

export const RESOURCE_NAMES: ResourceName[] = ['status', 'souls', 'config', 'speakers', 'languages', 'models', 'ha', 'integrations', 'timers', 'approvals', 'setup'];

export const loaders: { [K in ResourceName]: (client: KiwiClient) => Promise<Resources[K]> } = {
  status: (c) => c.call('status'),
  souls: (c) => c.call('souls'),
  config: (c) => c.call('getConfig'),
  speakers: (c) => c.call('listSpeakers'),
  languages: (c) => c.call('languages'),
  models: (c) => c.call('listModels'),
  ha: (c) => c.call('haStatus'),
  integrations: (c) => c.call('integrations'),
  timers: (c) => c.call('listTimers'),
  approvals: (c) => c.call('listApprovals'),
  setup: (c) => c.call('setupPlan'),
};

/** Every TIMER_*, ALARM_* and REMINDER_* event changes the timer list (set, ringing, snoozed, stopped...). */
const TIMER_EVENTS = ['TIMER', 'ALARM', 'REMINDER'].flatMap((kind) =>
  ['SET', 'UPDATED', 'CANCELLED', 'RINGING', 'SNOOZED', 'STOPPED', 'MISSED'].map((what) => `${kind}_${what}` as EventEnvelope['event']),
);

/** Which answers an event makes stale: the dashboard reloads exactly those. */
const STALE_AFTER: Partial<Record<EventEnvelope['event'], ResourceName[]>> = {
  CONNECTED: RESOURCE_NAMES,
  ENGINE_READY: ['status', 'setup'],
  STATE_CHANGED: ['status'],
  SOUL_CHANGED: ['souls', 'status'],
  // A soul written or deleted through the API (another dashboard, a script): the list changed, and
  // status says whether souls.default names a usable soul.
  SOUL_ADDED: ['souls', 'status'],
  SOUL_UPDATED: ['souls', 'status'],
  SOUL_DELETED: ['souls', 'status'],
  CONFIG_CHANGED: ['config', 'status', 'souls', 'ha', 'integrations', 'timers', 'setup'],
  LANGUAGE_CHANGED: ['languages', 'status', 'setup'],
  // A profile change can enrol or remove the owner: status says whether the household is open.
  SPEAKER_ADDED: ['speakers', 'status'],
  SPEAKER_UPDATED: ['speakers', 'status'],
  SPEAKER_DELETED: ['speakers', 'status'],
  SPEAKER_BLOCKED: ['speakers', 'status'],
  SPEAKER_UNBLOCKED: ['speakers', 'status'],
  SPEAKER_IDENTIFIED: ['speakers', 'status'],
  HA_CONNECTION_CHANGED: ['ha', 'status'],
  MQTT_CONNECTION_CHANGED: ['integrations'],
  OPENCLAW_PAIRING: ['status'],
  HANDS_FREE_CHANGED: ['status'],
  WEB_CLIENT_CONNECTED: ['status'],
  WEB_CLIENT_DISCONNECTED: ['status'],
  MODEL_DOWNLOAD_STARTED: ['models', 'setup'],
  MODEL_DOWNLOAD_COMPLETED: ['models', 'setup'],
  // status: a model switch waiting for this download (status `fallbacks`) says it failed.
  MODEL_DOWNLOAD_FAILED: ['models', 'setup', 'status'],
  MODEL_DELETED: ['models', 'setup', 'status'],
  SERVICE_RESTART: ['status', 'setup'],
  APPROVAL_REQUESTED: ['approvals'],
  APPROVAL_RESOLVED: ['approvals'],
  ...Object.fromEntries(TIMER_EVENTS.map((name) => [name, ['timers']])),
};

export const staleAfter = (event: EventEnvelope): ResourceName[] => STALE_AFTER[event.event] ?? [];
