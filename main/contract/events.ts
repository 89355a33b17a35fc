import { z } from 'zod';

/**
 * Events on the bus and on WebSocket /api/events. Every message is the envelope
 * `{event, data, timestamp, source}`; `timestamp` is ISO-8601 UTC, `source` the module that emitted it.
 */
export const STATES = ['IDLE', 'LISTENING', 'PROCESSING', 'THINKING', 'SPEAKING'] as const;
export const EngineState = z.enum(STATES);
export type EngineState = z.infer<typeof EngineState>;

export const EVENT_NAMES = [
  'CONNECTED',
  'STATE_CHANGED',
  'CONFIG_CHANGED',
  'LANGUAGE_CHANGED',
  'SOUL_CHANGED',
  'CONTEXT_RESET',
  'SPEAKER_ADDED',
  'SPEAKER_UPDATED',
  'SPEAKER_DELETED',
  'SPEAKER_BLOCKED',
  'SPEAKER_UNBLOCKED',
  'SPEAKER_IDENTIFIED',
  // Memory per speaker: ids and counts only, never the facts (read-scope listeners must not learn them).
  'MEMORY_FACT_ADDED',
  'MEMORY_FACT_DELETED',
  'MEMORY_CLEARED',
  'WAKE_WORD_DETECTED',
  'SPEECH_STARTED',
  'SPEECH_PARTIAL',
  'SPEECH_ENDED',
  'SPEECH_RECOGNIZED',
  'BARGE_IN',
  'TURN_FINISHED',
  'COMMAND_RECEIVED',
  'LLM_TOKEN',
  'LLM_COMPLETE',
  'TTS_STARTED',
  'TTS_FINISHED',
  'APPROVAL_REQUESTED',
  'APPROVAL_RESOLVED',
  'HA_CONNECTION_CHANGED',
  'HA_COMMAND_SENT',
  'HA_COMMAND_RESPONSE',
  // Kiwi as a Home Assistant device over MQTT (main/integrations/mqtt): data {connected, broker, error}.
  'MQTT_CONNECTION_CHANGED',
  'WEB_CLIENT_CONNECTED',
  'WEB_CLIENT_DISCONNECTED',
  'AUDIO_ERROR',
  'MODEL_DOWNLOAD_STARTED',
  'MODEL_DOWNLOAD_PROGRESS',
  'MODEL_DOWNLOAD_COMPLETED',
  'MODEL_DOWNLOAD_FAILED',
  'ENGINE_READY',
  'SERVICE_RESTART',
  'SERVICE_SHUTDOWN',
  // Timers, alarms and reminders (main/timers): data {item, by?}; MISSED: it came due while Kiwi was off.
  'TIMER_SET',
  'TIMER_UPDATED',
  'TIMER_CANCELLED',
  'TIMER_RINGING',
  'TIMER_SNOOZED',
  'TIMER_STOPPED',
  'TIMER_MISSED',
  'ALARM_SET',
  'ALARM_UPDATED',
  'ALARM_CANCELLED',
  'ALARM_RINGING',
  'ALARM_SNOOZED',
  'ALARM_STOPPED',
  'ALARM_MISSED',
  'REMINDER_SET',
  'REMINDER_UPDATED',
  'REMINDER_CANCELLED',
  'REMINDER_RINGING',
  'REMINDER_SNOOZED',
  'REMINDER_STOPPED',
  'REMINDER_MISSED',
  'ERROR',
] as const;
export const EventName = z.enum(EVENT_NAMES);
export type EventName = z.infer<typeof EventName>;

export const EventEnvelope = z.object({
  event: EventName,
  data: z.record(z.string(), z.unknown()),
  timestamp: z.string().describe('ISO-8601 UTC'),
  source: z.string(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Messages a client may send on /api/events. */
export const EventsClientMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ping') })]);
