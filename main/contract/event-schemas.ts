import { z } from 'zod';
import { Approval, OpenClawPairingState, Priority, Speaker, TimerItem, TurnError } from './api.ts';
import { EngineState } from './state.ts';

/**
 * Events on the bus and on WebSocket /api/events. Every message is the envelope
 * `{event, data, timestamp, source}`; `timestamp` is ISO-8601 UTC, `source` the module that emitted it.
 * Each event name has one schema for its `data` below: `EventBus.emit` is typed by them, the
 * dashboard reads them, and /api/openapi.json publishes them under components.schemas.
 * Fields are only ever added (optional), never renamed or removed: users' scripts read them.
 */

/** One run of Kiwi: an utterance, a typed chat or an announcement. Every event of the run carries it. */
export const TurnId = z.string().describe('the turn (run) this event belongs to: an utterance, a typed chat or an announcement');
export type TurnId = z.infer<typeof TurnId>;
const turnId = TurnId;
const inTurn = TurnId.optional().describe('the turn this belongs to, when it belongs to one');

export const TurnKind = z.enum(['voice', 'text', 'announcement']);
export type TurnKind = z.infer<typeof TurnKind>;

/**
 * The stages of a turn, as data: each is bracketed by STAGE_STARTED / STAGE_FINISHED and its end,
 * counted from the turn's origin (for a voice turn the arrival of the last voiced frame, else the
 * turn's start), is `timings_ms[stage]` in TURN_FINISHED. Every stage started also finishes (with
 * `error` when it failed or never got there; failed stages are not in `timings_ms`); the ones
 * measured from the origin (speculative, endpoint, total, an announcement's first_audio) have only
 * STAGE_FINISHED. New stages are added here (and only here).
 */
export const TURN_STAGES = {
  speculative: 'the early transcript, begun after a short silence before the endpoint (voice turns)',
  endpoint: 'the end of speech decided (voice turns)',
  transcript: 'speech to text, final',
  speaker: 'speaker identification',
  command: 'the command, Home Assistant or the LLM deciding the answer (until its first sentence)',
  first_audio: 'from the answer being asked for until its first audio plays (with error no_audio, or why it was cut short, when none played)',
  tts: 'speaking the answer, until the last audio has played',
  total: 'the whole turn, until its answer ended',
} as const;
export type TurnStage = keyof typeof TURN_STAGES | (string & {});
const Stage = z.string().describe(`one of: ${Object.keys(TURN_STAGES).join(', ')} (more may come)`);

const ErrorInfo = z.object({ code: z.string(), message: z.string() });
const Timings = z.record(z.string(), z.number()).describe('stage -> ms from the turn origin to the end of that stage');
const TurnSpeaker = z.object({ id: z.string(), name: z.string(), confidence: z.number() });
const SpeakerChange = z.object({ speaker_id: z.string(), name: z.string() });
const MemoryChange = z.object({ speaker_id: z.string(), fact_id: z.string(), facts: z.number().int() });
const ModelDownload = z.object({
  id: z.string(),
  file: z.string().optional(),
  bytes: z.number().optional(),
  total: z.number().nullable().optional(),
  rate_bps: z.number().optional(),
  eta_s: z.number().nullable().optional(),
  path: z.string().optional(),
  error: z.string().optional(),
});
const TimerEvent = z.object({
  item: TimerItem,
  by: z.string().optional().describe('who stopped it (STOPPED)'),
  next_at: z.string().optional().describe('the next occurrence of a repeating item (MISSED)'),
});
const SoulFileChange = z.object({ soul_id: z.string(), name: z.string(), nsfw: z.boolean(), builtin: z.boolean() });
const WebClient = z.object({ client_id: z.string() });
const Reason = z.object({ reason: z.string() });

export const EVENT_NAMES = [
  'CONNECTED',
  'STATE_CHANGED',
  'CONFIG_CHANGED',
  'LANGUAGE_CHANGED',
  'SOUL_CHANGED',
  // A soul file written or removed through the API (PUT/DELETE /api/souls/{soul_id}): the soul list changed.
  'SOUL_ADDED',
  'SOUL_UPDATED',
  'SOUL_DELETED',
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
  'TURN_STARTED',
  // A turn's stages (TURN_STAGES): start and end, with the end's time from the turn's origin.
  'STAGE_STARTED',
  'STAGE_FINISHED',
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
  // OpenClaw gateway pairing: {state, gateway, device_id, request_id, message}; pairing_required = approve Kiwi in OpenClaw.
  'OPENCLAW_PAIRING',
  'WEB_CLIENT_CONNECTED',
  'WEB_CLIENT_DISCONNECTED',
  'AUDIO_ERROR',
  // Hardening (issue 14): an input faster than real time or behind its backlog lost audio; the system microphone came back.
  'AUDIO_OVERRUN',
  'AUDIO_RECOVERED',
  'MODEL_DOWNLOAD_STARTED',
  'MODEL_DOWNLOAD_PROGRESS',
  'MODEL_DOWNLOAD_COMPLETED',
  'MODEL_DOWNLOAD_FAILED',
  // DELETE /api/models/{id}: {id, freed_bytes}.
  'MODEL_DELETED',
  'ENGINE_READY',
  // voice.owner_hands_free: {active, reason}; active = the owner may speak without the wake word now.
  'HANDS_FREE_CHANGED',
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

export const EVENT_SCHEMAS = {
  CONNECTED: z.object({ state: EngineState }),
  STATE_CHANGED: z.object({ old_state: EngineState, new_state: EngineState, reason: z.string(), turn_id: inTurn }),
  CONFIG_CHANGED: z.object({ updated: z.record(z.string(), z.unknown()) }),
  LANGUAGE_CHANGED: z.object({ language: z.string() }),
  SOUL_CHANGED: z.object({ soul_id: z.string(), name: z.string(), nsfw: z.boolean(), model: z.string() }),
  // SOUL_CHANGED says which soul is active; these say the list of souls changed (the active one may not have).
  SOUL_ADDED: SoulFileChange,
  SOUL_UPDATED: SoulFileChange.describe('also when a user soul that replaced a built-in was deleted: the built-in is back under its id'),
  SOUL_DELETED: z.object({ soul_id: z.string(), name: z.string() }),
  CONTEXT_RESET: z.object({ speaker_id: z.string().nullable() }),
  SPEAKER_ADDED: z.object({ speaker: Speaker, auto_learned: z.boolean().optional() }),
  SPEAKER_UPDATED: z.object({ speaker: Speaker }),
  SPEAKER_DELETED: SpeakerChange,
  SPEAKER_BLOCKED: SpeakerChange,
  SPEAKER_UNBLOCKED: SpeakerChange,
  SPEAKER_IDENTIFIED: z.object({
    id: z.string().describe('the same as speaker_id (kept for older clients)'),
    speaker_id: z.string(),
    name: z.string(),
    priority: Priority,
    confidence: z.number(),
    blocked: z.boolean(),
    turn_id: inTurn,
  }),
  // Memory per speaker: ids and counts only, never the facts (read-scope listeners must not learn them).
  MEMORY_FACT_ADDED: MemoryChange,
  MEMORY_FACT_DELETED: MemoryChange,
  MEMORY_CLEARED: z.object({ speaker_id: z.string(), facts: z.number().int(), messages: z.number().int() }),
  WAKE_WORD_DETECTED: z.object({ source: z.string(), wake_word: z.string(), keyword: z.string(), score: z.number(), engine: z.string(), turn_id: turnId }),
  SPEECH_STARTED: z.object({ source: z.string(), turn_id: turnId }),
  SPEECH_PARTIAL: z.object({ source: z.string(), text: z.string(), turn_id: turnId }),
  SPEECH_ENDED: z.object({ source: z.string(), duration_ms: z.number(), turn_id: turnId }),
  SPEECH_RECOGNIZED: z.object({
    source: z.string(),
    text: z.string().describe('the command (without the wake word)'),
    transcript: z.string(),
    language: z.string(),
    speaker_id: z.string().nullable(),
    speaker_name: z.string().nullable(),
    turn_id: turnId,
  }),
  BARGE_IN: z.object({ source: z.string(), turn_id: inTurn.describe('the turn that was interrupted') }),
  TURN_STARTED: z.object({ turn_id: turnId, kind: TurnKind, source: z.string().describe("an audio source id, 'text' or 'announcement'") }),
  STAGE_STARTED: z.object({ turn_id: turnId, stage: Stage }),
  STAGE_FINISHED: z.object({
    turn_id: turnId,
    stage: Stage,
    ms: z.number().describe('how long the stage took'),
    at_ms: z.number().describe("when it ended, from the turn's origin"),
    error: ErrorInfo.optional().describe('the stage failed'),
  }),
  TURN_FINISHED: z.object({
    turn_id: turnId,
    wake: z.boolean(),
    transcript: z.string(),
    language: z.string(),
    speaker: TurnSpeaker.nullable(),
    command: z.string().nullable(),
    reply: z.string().nullable(),
    ignored: z.string().optional().describe('why nothing was done'),
    interrupted: z.string().optional().describe('why the turn was cut short (stopped, superseded, barge_in): its command still ran, and reply is what it produced'),
    error: TurnError.optional(),
    timings_ms: Timings,
    source: z.string(),
  }),
  COMMAND_RECEIVED: z.object({ command: z.string(), source: z.string(), speaker_id: z.string().nullable(), language: z.string(), turn_id: turnId }),
  LLM_TOKEN: z.object({ text: z.string(), turn_id: inTurn }),
  LLM_COMPLETE: z.object({
    text: z.string(),
    model: z.string(),
    ms: z.number(),
    first_token_ms: z.number().nullable(),
    status: z.enum(['complete', 'aborted', 'error']),
    soul: z.string(),
    speaker_id: z.string().nullable(),
    error: z.string().optional(),
    turn_id: inTurn,
  }),
  TTS_STARTED: z.object({ text: z.string(), turn_id: turnId }),
  TTS_FINISHED: z.object({ text: z.string(), interrupted: z.boolean(), turn_id: turnId }),
  APPROVAL_REQUESTED: z.object({ approval: Approval }),
  APPROVAL_RESOLVED: z.object({ approval: Approval, outcome: Approval.shape.status }),
  HA_CONNECTION_CHANGED: z.object({ connected: z.boolean(), error: z.string().nullable() }),
  OPENCLAW_PAIRING: z.object({
    state: OpenClawPairingState,
    gateway: z.string().nullable(),
    device_id: z.string().nullable(),
    request_id: z.string().nullable().describe('approve with `openclaw devices approve <request_id>`'),
    message: z.string().nullable(),
  }),
  MQTT_CONNECTION_CHANGED: z.object({ connected: z.boolean(), broker: z.string().nullable().describe('host:port, never credentials'), error: z.string().nullable() }),
  HA_COMMAND_SENT: z.object({ command: z.string(), language: z.string() }),
  HA_COMMAND_RESPONSE: z.object({ command: z.string(), response: z.string() }),
  WEB_CLIENT_CONNECTED: WebClient,
  WEB_CLIENT_DISCONNECTED: WebClient,
  AUDIO_ERROR: z.object({
    client_id: z.string().optional().describe('a /api/audio client'),
    source: z.string().optional().describe("the headless server's microphone"),
    code: z.string(),
    message: z.string(),
    retry_in_ms: z.number().optional().describe('the microphone restarts itself after this long'),
  }),
  AUDIO_OVERRUN: z.object({ source: z.string(), reason: z.enum(['too_fast', 'backlog']), dropped_ms: z.number() }),
  AUDIO_RECOVERED: z.object({ source: z.string(), recorder: z.string(), restarts: z.number().int() }),
  MODEL_DOWNLOAD_STARTED: ModelDownload,
  MODEL_DOWNLOAD_PROGRESS: ModelDownload,
  MODEL_DOWNLOAD_COMPLETED: ModelDownload,
  MODEL_DOWNLOAD_FAILED: ModelDownload,
  MODEL_DELETED: z.object({ id: z.string(), freed_bytes: z.number().int().describe('disk space the model and its partial downloads took') }),
  ENGINE_READY: z.object({ missing: z.array(z.string()) }),
  HANDS_FREE_CHANGED: z.object({
    active: z.boolean(),
    reason: z.enum(['enabled', 'disabled', 'owner_enrolled', 'no_owner', 'other_voice', 'quiet']).describe('quiet: no other voice for voice.owner_hands_free.guest_cooldown_s'),
  }),
  SERVICE_RESTART: Reason,
  SERVICE_SHUTDOWN: Reason,
  // Timers, alarms and reminders (main/timers); MISSED: it came due while Kiwi was off.
  TIMER_SET: TimerEvent,
  TIMER_UPDATED: TimerEvent,
  TIMER_CANCELLED: TimerEvent,
  TIMER_RINGING: TimerEvent,
  TIMER_SNOOZED: TimerEvent,
  TIMER_STOPPED: TimerEvent,
  TIMER_MISSED: TimerEvent,
  ALARM_SET: TimerEvent,
  ALARM_UPDATED: TimerEvent,
  ALARM_CANCELLED: TimerEvent,
  ALARM_RINGING: TimerEvent,
  ALARM_SNOOZED: TimerEvent,
  ALARM_STOPPED: TimerEvent,
  ALARM_MISSED: TimerEvent,
  REMINDER_SET: TimerEvent,
  REMINDER_UPDATED: TimerEvent,
  REMINDER_CANCELLED: TimerEvent,
  REMINDER_RINGING: TimerEvent,
  REMINDER_SNOOZED: TimerEvent,
  REMINDER_STOPPED: TimerEvent,
  REMINDER_MISSED: TimerEvent,
  ERROR: z.object({ code: z.string(), message: z.string(), turn_id: inTurn, stage: Stage.optional() }),
} as const satisfies Record<EventName, z.ZodObject>;

export const EventName = z.enum(EVENT_NAMES);
export type EventName = z.infer<typeof EventName>;

/** The `data` of one event. */
export type EventData<K extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[K]>;
