import { z } from 'zod';
import { EVENT_SCHEMAS, EventName, type EventData } from './event-schemas.ts';

export { STATES, EngineState } from './state.ts';
export * from './event-schemas.ts';

/** How events travel on WebSocket /api/events: the envelope, withheld conversation fields, decoding. */

/**
 * The fields that hold what was said or answered in a turn: speech, typed text, replies, LLM text,
 * what went to and came back from Home Assistant. /api/events sends them as null to a client that
 * may not read that turn's conversation (the rule of GET /api/conversation); every other field
 * (event, turn_id, command name, timings, speaker ids) still reaches every read client.
 */
export const CONVERSATION_FIELDS = {
  SPEECH_PARTIAL: ['text'],
  SPEECH_RECOGNIZED: ['text', 'transcript'],
  COMMAND_RECEIVED: ['command'],
  TURN_FINISHED: ['transcript', 'reply'],
  LLM_TOKEN: ['text'],
  LLM_COMPLETE: ['text'],
  TTS_STARTED: ['text'],
  TTS_FINISHED: ['text'],
  HA_COMMAND_SENT: ['command'],
  HA_COMMAND_RESPONSE: ['command', 'response'],
} as const satisfies { [K in EventName]?: ReadonlyArray<keyof EventData<K>> };

/** One event's conversation fields (none for most). */
export const conversationFields = (event: EventName): readonly string[] => (CONVERSATION_FIELDS as Partial<Record<EventName, readonly string[]>>)[event] ?? [];

/** An event's `data` as /api/events sends it: its conversation fields may be null (withheld from that client). */
export function wireEventSchema(event: EventName): z.ZodObject {
  const schema: z.ZodObject = EVENT_SCHEMAS[event];
  const withheld = conversationFields(event).map((key) => {
    const field = schema.shape[key] as z.ZodType;
    return [key, field.nullable().describe(`${field.description ? `${field.description}; ` : ''}null: withheld from a client that may not read this turn's conversation`)];
  });
  return withheld.length > 0 ? schema.extend(Object.fromEntries(withheld)) : schema;
}

/** An envelope whose `data` matches its `event`: narrowing on `event` types `data`. */
export type TypedEnvelope<K extends EventName = EventName> = {
  [E in K]: { event: E; data: EventData<E>; timestamp: string; source: string };
}[K];

export const EventEnvelope = z.object({
  event: EventName,
  data: z.record(z.string(), z.unknown()),
  timestamp: z.string().describe('ISO-8601 UTC'),
  source: z.string(),
});
/** The envelope as it travels: untyped `data` (from the wire it must be decoded, see decodeEvent); TypedEnvelope is the checked view. */
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** Messages a client may send on /api/events. */
export const EventsClientMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('ping') })]);

/**
 * An event's `data` from the wire, checked against its schema. A field that does not match is
 * left out (a record keeps its valid entries), so one bad field never hides the rest of the event.
 */
export function decodeEvent<K extends EventName>(event: K, data: unknown): Partial<EventData<K>> {
  const schema: z.ZodObject = EVENT_SCHEMAS[event];
  const whole = schema.safeParse(data);
  if (whole.success) return whole.data as EventData<K>;
  const raw = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = raw[key];
    const checked = field.safeParse(value);
    if (checked.success) {
      if (checked.data !== undefined) out[key] = checked.data;
    } else if (field instanceof z.ZodRecord && value !== null && typeof value === 'object') {
      const valueType = field.valueType as z.ZodType;
      out[key] = Object.fromEntries(Object.entries(value).filter(([, v]) => valueType.safeParse(v).success));
    }
  }
  return out as Partial<EventData<K>>;
}
