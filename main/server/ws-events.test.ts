import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../contract/routes.ts';
import { conversationFields, type EventName } from '../contract/events.ts';
import { authOn, bearer, SCOPE_TOKENS, scopeTokens } from '../testing/api-auth.ts';
import { startTestKiwi, type TestKiwi } from '../testing/kiwi-test-server.ts';
import { TestWsClient, wsUrl } from '../testing/ws-client.ts';
import { buildOpenApiDocument } from './openapi.ts';

// WebSocket /api/events keeps conversations as private as GET /api/conversation does: every read
// client gets every event (automations rely on them), but what was said and answered only when it
// may read that turn: admin every turn, a token with speaker_id that speaker's, other tokens none.

const annaToken = 'anna-token-events-0123456789';
type Message = { event: EventName; data: Record<string, unknown> };

/** Every message of one turn a client got, once that turn's TURN_FINISHED has arrived. */
async function turnSeenBy(client: TestWsClient, turnId: string): Promise<Message[]> {
  await client.waitFor((m) => m.event === 'TURN_FINISHED' && (m.data as { turn_id?: string }).turn_id === turnId, { what: `TURN_FINISHED of ${turnId}` });
  return (client.json as Message[]).filter((m) => m.data?.turn_id === turnId);
}

/** The conversation fields among messages, as `EVENT.field: value` (null: withheld). */
const conversationIn = (messages: Message[]) =>
  Object.fromEntries(messages.flatMap((m) => conversationFields(m.event).map((field) => [`${m.event}.${field}`, m.data[field]])));

const dataOf = (messages: Message[], event: EventName) => messages.find((m) => m.event === event)?.data;

describe('/api/events with auth on: conversation content only for who may read the turn', () => {
  let k: TestKiwi;
  let admin: TestWsClient;
  let reader: TestWsClient;
  let annaPhone: TestWsClient;
  const speakers = { anna: { id: '', name: 'Anna' }, ben: { id: '', name: 'Ben' } };

  /** A spoken turn as the engine reports it (audio-driven turns run in the models tests): heard, identified, answered by the LLM, spoken. */
  const voiceTurn = (turn_id: string, speaker: { id: string; name: string }, said: string, reply: string) => {
    const { bus } = k.kiwi.runtime;
    const source = 'system:microphone';
    bus.emit('TURN_STARTED', { turn_id, kind: 'voice', source }, 'engine');
    bus.emit('SPEECH_PARTIAL', { source, text: 'Kiwi,', turn_id }, 'engine'); // before anyone knows who is speaking
    bus.emit('SPEAKER_IDENTIFIED', { id: speaker.id, speaker_id: speaker.id, name: speaker.name, priority: 1, confidence: 0.9, blocked: false, turn_id }, 'speakers');
    bus.emit('SPEECH_RECOGNIZED', { source, text: said, transcript: `Kiwi, ${said}`, language: 'en', speaker_id: speaker.id, speaker_name: speaker.name, turn_id }, 'engine');
    bus.emit('COMMAND_RECEIVED', { command: said, source, speaker_id: speaker.id, language: 'en', turn_id }, 'engine');
    bus.emit('LLM_TOKEN', { text: reply, turn_id }, 'llm');
    bus.emit('LLM_COMPLETE', { text: reply, model: 'test-model', ms: 40, first_token_ms: 10, status: 'complete', soul: 'default', speaker_id: speaker.id, turn_id }, 'llm');
    bus.emit('TTS_STARTED', { text: reply, turn_id }, 'engine');
    bus.emit('TTS_FINISHED', { text: reply, interrupted: false, turn_id }, 'engine');
    bus.emit(
      'TURN_FINISHED',
      { turn_id, wake: true, transcript: `Kiwi, ${said}`, language: 'en', speaker: { ...speaker, confidence: 0.9 }, command: 'llm', reply, timings_ms: { transcript: 120, total: 900 }, source },
      'engine',
    );
  };

  beforeAll(async () => {
    // spk_001 is the first speaker the store creates: Anna, below.
    const tokens = [...scopeTokens(), { name: 'anna-phone', token: annaToken, scopes: ['read' as const], speaker_id: 'spk_001' }];
    k = await startTestKiwi({ config: { api: authOn(tokens) } });
    speakers.anna.id = k.kiwi.runtime.store.speakers.create({ name: 'Anna', priority: 0 }).id;
    speakers.ben.id = k.kiwi.runtime.store.speakers.create({ name: 'Ben', priority: 1 }).id;
    expect(speakers.anna.id).toBe('spk_001');
    const connect = (token: string) => TestWsClient.connect(wsUrl(k.url, '/api/events'), bearer(token));
    [admin, reader, annaPhone] = await Promise.all([connect(SCOPE_TOKENS.admin), connect(SCOPE_TOKENS.read), connect(annaToken)]);
    await Promise.all([admin, reader, annaPhone].map((c) => c.waitForEvent('CONNECTED')));
  });
  afterAll(async () => {
    await Promise.all([admin, reader, annaPhone].map((c) => c?.close()));
    await k?.cleanup();
  });

  it('a read token gets a typed turn with its ids, command name and timings, but not the text or the reply', async () => {
    const res = await k.request('POST', '/api/chat', { body: { text: 'What time is it?', speak: false }, headers: bearer(SCOPE_TOKENS.control) });
    expect(res.status, res.text).toBe(200);
    const answer = routes.chat.response.parse(res.json);

    const seen = await turnSeenBy(reader, answer.turn_id);
    expect(dataOf(seen, 'TURN_FINISHED')).toMatchObject({ turn_id: answer.turn_id, command: 'time', language: 'en', source: 'text', transcript: null, reply: null });
    expect(dataOf(seen, 'TURN_FINISHED')?.timings_ms).toMatchObject({ total: expect.any(Number) });
    expect(dataOf(seen, 'SPEECH_RECOGNIZED')).toMatchObject({ source: 'text', text: null, transcript: null, language: 'en' });
    expect(dataOf(seen, 'COMMAND_RECEIVED')).toMatchObject({ command: null, source: 'text', language: 'en' });
    expect(JSON.stringify(seen)).not.toContain('What time is it');

    // A typed turn has no speaker: only admin reads it.
    expect(dataOf(await turnSeenBy(annaPhone, answer.turn_id), 'TURN_FINISHED')).toMatchObject({ transcript: null, reply: null });
    expect(dataOf(await turnSeenBy(admin, answer.turn_id), 'TURN_FINISHED')).toMatchObject({ transcript: 'What time is it?', reply: answer.reply });
  });

  it("a speaker's token reads that speaker's turns, once the speaker is known, and no one else's; admin reads all", async () => {
    voiceTurn('turn_anna', speakers.anna, 'what should I cook tonight', 'Risotto with mushrooms.');
    voiceTurn('turn_ben', speakers.ben, 'remind me about the dentist', 'Your dentist is on Tuesday.');
    const annas = {
      'SPEECH_PARTIAL.text': 'Kiwi,',
      'SPEECH_RECOGNIZED.text': 'what should I cook tonight',
      'SPEECH_RECOGNIZED.transcript': 'Kiwi, what should I cook tonight',
      'COMMAND_RECEIVED.command': 'what should I cook tonight',
      'LLM_TOKEN.text': 'Risotto with mushrooms.',
      'LLM_COMPLETE.text': 'Risotto with mushrooms.',
      'TTS_STARTED.text': 'Risotto with mushrooms.',
      'TTS_FINISHED.text': 'Risotto with mushrooms.',
      'TURN_FINISHED.transcript': 'Kiwi, what should I cook tonight',
      'TURN_FINISHED.reply': 'Risotto with mushrooms.',
    };
    const withheld = Object.fromEntries(Object.keys(annas).map((key) => [key, null]));

    expect(conversationIn(await turnSeenBy(admin, 'turn_anna'))).toEqual(annas);
    // Anna's phone: her turn from the moment it is known to be hers (the first partial came before that).
    expect(conversationIn(await turnSeenBy(annaPhone, 'turn_anna'))).toEqual({ ...annas, 'SPEECH_PARTIAL.text': null });
    expect(conversationIn(await turnSeenBy(reader, 'turn_anna'))).toEqual(withheld);

    const bensOnAnnasPhone = await turnSeenBy(annaPhone, 'turn_ben');
    expect(conversationIn(bensOnAnnasPhone)).toEqual(withheld);
    expect(conversationIn(await turnSeenBy(admin, 'turn_ben'))).toMatchObject({ 'TURN_FINISHED.transcript': 'Kiwi, remind me about the dentist' });
    // Every event still arrives, with who spoke, the command name and the timings.
    expect(bensOnAnnasPhone.map((m) => m.event)).toEqual((await turnSeenBy(admin, 'turn_ben')).map((m) => m.event));
    expect(dataOf(bensOnAnnasPhone, 'TURN_FINISHED')).toMatchObject({
      turn_id: 'turn_ben',
      speaker: { id: speakers.ben.id, name: 'Ben', confidence: 0.9 },
      command: 'llm',
      timings_ms: { transcript: 120, total: 900 },
    });
    expect(dataOf(bensOnAnnasPhone, 'SPEAKER_IDENTIFIED')).toMatchObject({ speaker_id: speakers.ben.id, name: 'Ben' });
    expect(dataOf(bensOnAnnasPhone, 'LLM_COMPLETE')).toMatchObject({ model: 'test-model', status: 'complete', speaker_id: speakers.ben.id });
  });

  it('what goes to Home Assistant outside a turn is nobody\u2019s: admin only', async () => {
    const marks = [admin, reader, annaPhone].map((c) => c.mark());
    k.kiwi.runtime.bus.emit('HA_COMMAND_SENT', { command: 'turn on the kitchen light', language: 'en' }, 'homeassistant');
    const [forAdmin, forReader, forAnna] = await Promise.all([admin, reader, annaPhone].map((c, i) => c.waitForEvent('HA_COMMAND_SENT', marks[i])));
    expect(forAdmin!.data).toEqual({ command: 'turn on the kitchen light', language: 'en' });
    expect(forReader!.data).toEqual({ command: null, language: 'en' });
    expect(forAnna!.data).toEqual({ command: null, language: 'en' });
  });

  it('says so in the OpenAPI document: conversation fields may be null, the others stay as they were', () => {
    type Property = { type?: string | string[]; anyOf?: Property[] };
    const doc = buildOpenApiDocument('test') as { components: { schemas: Record<string, { properties: Record<string, Property> }> } };
    const allowsNull = (p: Property): boolean => [p.type].flat().includes('null') || Boolean(p.anyOf?.some(allowsNull));
    const schemas = doc.components.schemas;
    expect(allowsNull(schemas.TURN_FINISHED!.properties.transcript!)).toBe(true);
    expect(allowsNull(schemas.SPEECH_RECOGNIZED!.properties.text!)).toBe(true);
    expect(allowsNull(schemas.TURN_FINISHED!.properties.turn_id!)).toBe(false);
    expect(allowsNull(schemas.COMMAND_RECEIVED!.properties.language!)).toBe(false);
  });
});

describe('/api/events with auth off', () => {
  it('every client is admin and reads every turn, as before', async () => {
    const k = await startTestKiwi();
    const events = await TestWsClient.connect(wsUrl(k.url, '/api/events'));
    try {
      const res = await k.request('POST', '/api/chat', { body: { text: 'What time is it?', speak: false } });
      const answer = routes.chat.response.parse(res.json);
      expect(dataOf(await turnSeenBy(events, answer.turn_id), 'TURN_FINISHED')).toMatchObject({ transcript: 'What time is it?', reply: answer.reply });
    } finally {
      await events.close();
      await k.cleanup();
    }
  });
});
