import { beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../main/contract/events.ts';
import type { ConversationTurn } from '../../../main/contract/api.ts';
import type { KiwiClient } from '../client/kiwi-client.ts';
import { IGNORED_LIMIT, mergeHistory, TURN_LIMIT, useConversation } from './conversation.ts';

let n = 0;
const ev = (event: EventEnvelope['event'], data: Record<string, unknown>): EventEnvelope => ({
  event,
  data,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n++)).toISOString(),
  source: 'engine',
});
let turns = 0;
const turn = (over: Record<string, unknown> = {}) =>
  ev('TURN_FINISHED', { turn_id: `turn_${turns++}`, wake: true, transcript: 'kiwi what time is it', language: 'en', speaker: null, command: 'time', reply: "It's 10:42.", timings_ms: { transcript: 210, first_audio: 640, total: 1500 }, source: 'voice', ...over });
const receive = (event: EventEnvelope, soul: string | null = 'default') => useConversation.getState().receive(event, soul);

describe('conversation store', () => {
  beforeEach(() => useConversation.setState({ turns: [], pending: [], live: null, llm: null, seq: 0, history: { status: 'idle', error: null, loads: 0 }, hiddenBefore: null, older: { hasMore: false, status: 'idle', error: null }, limit: TURN_LIMIT }));

  it('turns a TURN_FINISHED into a transcript line with speaker, soul, reply and timings', () => {
    receive(turn({ speaker: { id: 'spk_001', name: 'Anna', confidence: 0.91 } }), 'comedian');
    expect(useConversation.getState().turns).toEqual([
      expect.objectContaining({
        seq: 1,
        transcript: 'kiwi what time is it',
        speaker: { id: 'spk_001', name: 'Anna', confidence: 0.91 },
        command: 'time',
        reply: "It's 10:42.",
        ignored: null,
        timings: { transcript: 210, first_audio: 640, total: 1500 },
        soul: 'comedian',
        llm: null,
      }),
    ]);
  });

  it('keeps a turn cut short with what ran and why (stopped), live and from the kept history', () => {
    receive(turn({ command: 'timer', reply: 'Timer set for 5 minutes.', interrupted: 'stopped' }));
    expect(useConversation.getState().turns[0]).toMatchObject({ command: 'timer', reply: 'Timer set for 5 minutes.', interrupted: 'stopped' });
    receive(turn());
    expect(useConversation.getState().turns[1]!.interrupted).toBeNull();
    const stopped: ConversationTurn = { turn_id: 'turn_kept', at: '2025-12-31T10:00:00.000Z', source: 'text', wake: false, transcript: 'set a timer', language: 'en', speaker: null, command: 'timer', reply: 'Timer set.', interrupted: 'stopped', timings_ms: {}, llm: null };
    expect(mergeHistory([], [stopped], null)[0]!.interrupted).toBe('stopped');
  });

  it('gives an LLM turn the first-token time, model and soul of the LLM_COMPLETE before it', () => {
    receive(ev('LLM_COMPLETE', { text: 'Hi', model: 'm1', ms: 900, first_token_ms: 320, status: 'complete', soul: 'storyteller', speaker_id: null, turn_id: 'turn_llm' }));
    receive(turn({ command: 'llm', reply: 'Hi', turn_id: 'turn_llm' }), 'default');
    const [t] = useConversation.getState().turns;
    expect(t!.llm).toMatchObject({ firstTokenMs: 320, model: 'm1' });
    expect(t!.soul).toBe('storyteller');
    expect(useConversation.getState().llm).toBeNull();
  });

  it('attaches an LLM_COMPLETE that arrives after its turn, and not to a turn of another speaker', () => {
    receive(turn({ command: 'llm', turn_id: 'turn_a' }));
    receive(ev('LLM_COMPLETE', { first_token_ms: 150, soul: 'default', speaker_id: null, turn_id: 'turn_a' }));
    expect(useConversation.getState().turns[0]!.llm?.firstTokenMs).toBe(150);
    receive(ev('LLM_COMPLETE', { first_token_ms: 99, speaker_id: 'spk_002', turn_id: 'turn_b' }));
    receive(turn({ command: 'llm', speaker: { id: 'spk_003', name: 'Ben', confidence: 0.8 }, turn_id: 'turn_c' }));
    expect(useConversation.getState().turns[1]!.llm).toBeNull();
  });

  it('keeps ignored utterances apart, capped, so they never push out answered turns', () => {
    for (let i = 0; i < 5; i++) receive(turn({ transcript: `q${i}` }));
    for (let i = 0; i < IGNORED_LIMIT + 30; i++) receive(turn({ wake: false, command: null, reply: null, ignored: 'no wake word', transcript: `noise ${i}` }));
    const { turns } = useConversation.getState();
    expect(turns.filter((t) => t.ignored === null)).toHaveLength(5);
    expect(turns.filter((t) => t.ignored !== null)).toHaveLength(IGNORED_LIMIT);
    expect(turns.at(-1)!.transcript).toBe(`noise ${IGNORED_LIMIT + 29}`);
    for (let i = 0; i < TURN_LIMIT + 10; i++) receive(turn({ transcript: `a${i}` }));
    expect(useConversation.getState().turns.filter((t) => t.ignored === null)).toHaveLength(TURN_LIMIT);
  });

  it('replaces a typed line with its TURN_FINISHED, whichever comes first: the event or the answer', () => {
    const { addPending, settlePending } = useConversation.getState();
    const first = addPending('what time is it');
    receive(turn({ source: 'text', transcript: 'what time is it', wake: false, turn_id: 'turn_t1' }));
    settlePending(first, { answer: { command: 'time', reply: "It's 10:42.", turn_id: 'turn_t1' } });
    expect(useConversation.getState().pending).toEqual([]);

    const second = addPending('tell me a joke');
    settlePending(second, { answer: { command: 'llm', reply: 'A joke.', turn_id: 'turn_t2' } });
    expect(useConversation.getState().pending).toEqual([expect.objectContaining({ status: 'answered' })]);
    receive(turn({ source: 'text', transcript: 'tell me a joke', wake: false, turn_id: 'turn_t2' }));
    expect(useConversation.getState().pending).toEqual([]);

    const third = addPending('fails');
    settlePending(third, { error: 'Kiwi is restarting' });
    expect(useConversation.getState().pending).toEqual([expect.objectContaining({ status: 'failed', error: 'Kiwi is restarting' })]);
  });

  it('groups by turn id: two typed turns with the same words each replace their own line', () => {
    const { addPending, settlePending } = useConversation.getState();
    const a = addPending('hello');
    const b = addPending('hello');
    settlePending(b, { answer: { command: 'llm', reply: 'Hi again.', turn_id: 'turn_b2' } });
    receive(turn({ source: 'text', transcript: 'hello', wake: false, turn_id: 'turn_b2' }));
    expect(useConversation.getState().pending.map((p) => p.id)).toEqual([a]);
  });

  it('ignores other events and malformed data without throwing', () => {
    receive(ev('LLM_TOKEN', { token: 'x' }));
    receive(ev('TURN_FINISHED', { transcript: 42, speaker: 'nobody', timings_ms: { total: 'slow', transcript: 12 } }));
    const [t] = useConversation.getState().turns;
    expect(t).toMatchObject({ transcript: '', speaker: null, timings: { transcript: 12 }, source: 'engine' });
  });

  describe('kept history (GET /api/conversation)', () => {
    const kept = (id: string, at: string, over: Partial<ConversationTurn> = {}): ConversationTurn => ({
      turn_id: id,
      at,
      source: 'text',
      wake: false,
      transcript: `question ${id}`,
      language: 'en',
      speaker: null,
      command: 'time',
      reply: 'It is noon.',
      timings_ms: { total: 800 },
      llm: null,
      ...over,
    });
    /** A client whose only route is the history, answering `turns`. */
    const historyClient = (turns: ConversationTurn[] | Error) =>
      ({
        call: async (route: string, input?: { query?: { limit?: number } }) => {
          expect(route).toBe('conversation');
          expect(input?.query?.limit).toBe(TURN_LIMIT);
          if (turns instanceof Error) throw turns;
          return { turns };
        },
      }) as unknown as KiwiClient;

    it('shows the kept turns first, then live ones, each turn once', async () => {
      const llm = { model: 'm1', soul: 'storyteller', first_token_ms: 300, ms: 900, status: 'complete' };
      await useConversation.getState().loadHistory(historyClient([kept('turn_h1', '2025-12-31T10:00:00.000Z'), kept('turn_h2', '2025-12-31T10:01:00.000Z', { command: 'llm', llm })]));
      receive(turn({ turn_id: 'turn_h2' })); // its event, after the history already brought it
      receive(turn({ turn_id: 'turn_live' }));
      const { turns, history } = useConversation.getState();
      expect(history).toEqual({ status: 'loaded', error: null, loads: 1 });
      expect(turns.map((t) => t.id)).toEqual(['turn_h1', 'turn_h2', 'turn_live']);
      expect(new Set(turns.map((t) => t.seq)).size).toBe(3);
      expect(turns[1]).toMatchObject({ soul: 'storyteller', llm: { firstTokenMs: 300, model: 'm1' }, ignored: null });
    });

    it('only a turn that just finished is told to a screen reader: not the kept history, not ignored talk', async () => {
      await useConversation.getState().loadHistory(historyClient([kept('turn_h1', '2025-12-31T10:00:00.000Z')]));
      expect(useConversation.getState().live).toBeNull();
      receive(turn({ turn_id: 'turn_live', transcript: 'what time is it' }));
      receive(turn({ wake: false, command: null, reply: null, ignored: 'no wake word', transcript: 'close the window' }));
      expect(useConversation.getState().live).toMatchObject({ id: 'turn_live', transcript: 'what time is it' });
    });

    it('after a reconnect, adds only the turns missed meanwhile, in the order they happened', async () => {
      receive(turn({ turn_id: 'turn_a' }));
      const seen = useConversation.getState().turns[0]!;
      const missed = kept('turn_missed', new Date(Date.parse(seen.at) + 60_000).toISOString());
      await useConversation.getState().loadHistory(historyClient([kept('turn_a', seen.at), missed]));
      expect(useConversation.getState().turns.map((t) => t.id)).toEqual(['turn_a', 'turn_missed']);
      receive(turn({ turn_id: 'turn_after' }));
      expect(useConversation.getState().turns.map((t) => t.id)).toEqual(['turn_a', 'turn_missed', 'turn_after']);
    });

    /** A client paging `all` (oldest first) like GET /api/conversation: ?limit, ?before=<turn_id>, has_more. */
    const pagingClient = (all: ConversationTurn[], fail?: Error) =>
      ({
        call: async (route: string, input: { query: { limit: number; before?: string } }) => {
          expect(route).toBe('conversation');
          if (fail && input.query.before) throw fail;
          const end = input.query.before === undefined ? all.length : all.findIndex((t) => t.turn_id === input.query.before);
          const start = Math.max(0, end - input.query.limit);
          return { turns: all.slice(start, end), has_more: start > 0 };
        },
      }) as unknown as KiwiClient;

    it('loads older turns on demand, in front, each once, and a live turn does not push them out again', async () => {
      const all = Array.from({ length: 250 }, (_, i) => kept(`turn_k${i}`, new Date(Date.UTC(2025, 11, 31, 0, 0, i)).toISOString()));
      const client = pagingClient(all);
      const state = () => useConversation.getState();
      await state().loadHistory(client);
      expect(state().turns).toHaveLength(TURN_LIMIT);
      expect(state().older.hasMore).toBe(true);
      await state().loadOlder(client);
      await state().loadOlder(client);
      expect(state().turns.map((t) => t.id)).toEqual(all.map((t) => t.turn_id));
      expect(state().older).toEqual({ hasMore: false, status: 'idle', error: null });
      receive(turn({ turn_id: 'turn_live' }));
      expect(state().turns).toHaveLength(251);
      expect(state().turns[0]!.id).toBe('turn_k0');
      expect(new Set(state().turns.map((t) => t.seq)).size).toBe(251);
      // A reconnect merges the newest page again without dropping the older ones the reader loaded.
      await state().loadHistory(client);
      expect(state().turns).toHaveLength(251);
    });

    it('says when older turns could not be loaded, and keeps what it shows', async () => {
      const all = Array.from({ length: 150 }, (_, i) => kept(`turn_f${i}`, new Date(Date.UTC(2025, 11, 31, 0, 0, i)).toISOString()));
      const client = pagingClient(all, new Error("Unknown turn 'turn_f50'"));
      await useConversation.getState().loadHistory(client);
      await useConversation.getState().loadOlder(client);
      expect(useConversation.getState().older).toEqual({ hasMore: true, status: 'failed', error: "Unknown turn 'turn_f50'" });
      expect(useConversation.getState().turns).toHaveLength(TURN_LIMIT);
      // Kiwi is back (a reconnect loads the history): the stale error goes; the button is still offered.
      await useConversation.getState().loadHistory(client);
      expect(useConversation.getState().older).toEqual({ hasMore: true, status: 'idle', error: null });
    });

    it('keeps cleared turns out when the history is merged again, and says when it failed', async () => {
      await useConversation.getState().loadHistory(historyClient([kept('turn_old', '2025-12-31T10:00:00.000Z')]));
      useConversation.getState().clear();
      await useConversation.getState().loadHistory(historyClient([kept('turn_old', '2025-12-31T10:00:00.000Z'), kept('turn_new', '2025-12-31T10:05:00.000Z')]));
      expect(useConversation.getState().turns.map((t) => t.id)).toEqual(['turn_new']);
      await useConversation.getState().loadHistory(historyClient(new Error('Kiwi is restarting')));
      expect(useConversation.getState().history).toEqual({ status: 'failed', error: 'Kiwi is restarting', loads: 2 });
      expect(mergeHistory([], [], null)).toEqual([]);
    });
  });
});
