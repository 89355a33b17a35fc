import { create } from 'zustand';
import type { ConversationTurn } from '../../../main/contract/api.ts';
import { decodeEvent, type EventEnvelope } from '../../../main/contract/events.ts';
import { errorText, type KiwiClient } from '../client/kiwi-client.ts';

/** How many turns the transcript keeps: answered turns and ignored utterances are capped apart, so noise never pushes out what was said. */
export const TURN_LIMIT = 100;
export const IGNORED_LIMIT = 50;
/** At most this many answered turns once the reader paged back (the server keeps 2000): new ones then push out the oldest. */
export const PAGED_LIMIT = 2500;

export interface TurnSpeaker {
  id: string;
  name: string;
  confidence: number;
}

/** What the LLM_COMPLETE of a turn adds: when its first token came (from the LLM request), the model and soul. */
export interface LlmFacts {
  turnId: string | null;
  firstTokenMs: number | null;
  ms: number | null;
  model: string | null;
  soul: string | null;
  status: string | null;
  speakerId: string | null;
}

/** One TURN_FINISHED, as the transcript shows it. */
export interface Turn {
  /** The turn's id: its events (LLM_COMPLETE, the typed line that started it) are matched by it. */
  id: string | null;
  seq: number;
  at: string;
  source: string;
  wake: boolean;
  transcript: string;
  language: string;
  speaker: TurnSpeaker | null;
  command: string | null;
  reply: string | null;
  ignored: string | null;
  /** Why the turn was cut short (stopped, superseded, barge_in); its command still ran. */
  interrupted: string | null;
  timings: Record<string, number>;
  /** The soul that answered: the LLM's soul for LLM turns, else the one active when the turn ended. */
  soul: string | null;
  llm: LlmFacts | null;
}

/** A typed turn on its way: shown at once, replaced by its TURN_FINISHED (or kept with the answer, if no event came). */
export interface PendingTyped {
  id: number;
  text: string;
  status: 'sending' | 'answered' | 'failed';
  /** The turn POST /api/chat ran as, once it answered. */
  turnId?: string;
  answer?: { command: string | null; reply: string | null; turn_id?: string };
  error?: string;
}

/** An LLM_COMPLETE's data (checked against its schema: fields that do not match are absent). */
export function llmFactsOf(data: unknown): LlmFacts {
  const d = decodeEvent('LLM_COMPLETE', data);
  return {
    turnId: d.turn_id ?? null,
    firstTokenMs: d.first_token_ms ?? null,
    ms: d.ms ?? null,
    model: d.model ?? null,
    soul: d.soul ?? null,
    status: d.status ?? null,
    speakerId: d.speaker_id ?? null,
  };
}

/** A TURN_FINISHED envelope as a Turn; its data is checked against the event's schema (main/contract/events.ts). */
export function turnFromEvent(event: EventEnvelope, seq: number, activeSoul: string | null, llm: LlmFacts | null): Turn {
  const d = decodeEvent('TURN_FINISHED', event.data);
  const id = d.turn_id ?? null;
  const command = d.command ?? null;
  const llmHere = command === 'llm' && llm && id !== null && llm.turnId === id ? llm : null;
  return {
    id,
    seq,
    at: event.timestamp,
    source: d.source ?? event.source,
    wake: d.wake === true,
    transcript: d.transcript ?? '',
    language: d.language ?? '',
    speaker: d.speaker ?? null,
    command,
    reply: d.reply ?? null,
    ignored: d.ignored ?? null,
    interrupted: d.interrupted ?? null,
    timings: d.timings_ms ?? {},
    soul: llmHere?.soul ?? activeSoul,
    llm: llmHere,
  };
}

/** A turn of the kept history (GET /api/conversation) as the transcript shows it. */
export function turnFromHistory(t: ConversationTurn, seq: number): Turn {
  const llm: LlmFacts | null = t.llm
    ? { turnId: t.turn_id, firstTokenMs: t.llm.first_token_ms, ms: t.llm.ms, model: t.llm.model, soul: t.llm.soul, status: t.llm.status, speakerId: t.speaker?.id ?? null }
    : null;
  return {
    id: t.turn_id,
    seq,
    at: t.at,
    source: t.source,
    wake: t.wake,
    transcript: t.transcript,
    language: t.language,
    speaker: t.speaker,
    command: t.command,
    reply: t.reply,
    ignored: null,
    interrupted: t.interrupted ?? null,
    timings: t.timings_ms,
    soul: t.llm?.soul ?? null,
    llm,
  };
}

/**
 * Kept turns merged into the shown ones: each turn once (by its id), in the order they happened,
 * numbered again. Turns at or before `hiddenBefore` (the reader cleared them) stay out.
 */
export function mergeHistory(shown: Turn[], kept: ConversationTurn[], hiddenBefore: string | null, limit = TURN_LIMIT): Turn[] {
  const ids = new Set(shown.map((t) => t.id));
  const added = kept.filter((t) => !ids.has(t.turn_id) && (hiddenBefore === null || t.at > hiddenBefore)).map((t) => turnFromHistory(t, 0));
  if (added.length === 0) return shown;
  const merged = [...shown, ...added].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return merged.slice(-limit - IGNORED_LIMIT).map((t, i) => ({ ...t, seq: i + 1 }));
}

/** Appends a turn and drops the oldest beyond the limits (ignored ones first, among themselves). */
export function appendTurn(turns: Turn[], turn: Turn, limit = TURN_LIMIT): Turn[] {
  let next = [...turns, turn];
  const ignored = next.filter((t) => t.ignored !== null);
  if (ignored.length > IGNORED_LIMIT) {
    const drop = new Set(ignored.slice(0, ignored.length - IGNORED_LIMIT));
    next = next.filter((t) => !drop.has(t));
  }
  const answered = next.filter((t) => t.ignored === null);
  if (answered.length > limit) {
    const drop = new Set(answered.slice(0, answered.length - limit));
    next = next.filter((t) => !drop.has(t));
  }
  return next;
}

interface ConversationState {
  turns: Turn[];
  pending: PendingTyped[];
  /** The newest answered turn that came live (a TURN_FINISHED, not the kept history): what a screen reader is told. */
  live: Turn | null;
  /** The LLM_COMPLETE that came before its TURN_FINISHED (matched to it by turn id). */
  llm: LlmFacts | null;
  seq: number;
  /** The kept history: loading, loaded (and merged), or why it could not be loaded. */
  history: { status: 'idle' | 'loading' | 'loaded' | 'failed'; error: string | null; loads: number };
  /** Cleared up to here: the history does not bring those turns back. */
  hiddenBefore: string | null;
  /** Paging back through the kept history: whether older turns remain, and the last "load older" outcome. */
  older: { hasMore: boolean; status: 'idle' | 'loading' | 'failed'; error: string | null };
  /** How many answered turns the transcript keeps: TURN_LIMIT, plus the older ones the reader asked for. */
  limit: number;
  /** Fetch the page of kept turns before the oldest one shown and put it in front. */
  loadOlder(client: KiwiClient): Promise<void>;
  /** Fetch the kept turns and merge them in (page load, and after every reconnect: turns missed meanwhile). */
  loadHistory(client: KiwiClient): Promise<void>;
  receive(event: EventEnvelope, activeSoul: string | null): void;
  addPending(text: string): number;
  settlePending(id: number, outcome: Pick<PendingTyped, 'answer' | 'error'>): void;
  dismissPending(id: number): void;
  clear(): void;
}

let pendingIds = 0;

export const useConversation = create<ConversationState>((set, get) => ({
  turns: [],
  pending: [],
  live: null,
  llm: null,
  seq: 0,
  history: { status: 'idle', error: null, loads: 0 },
  hiddenBefore: null,
  older: { hasMore: false, status: 'idle', error: null },
  limit: TURN_LIMIT,

  async loadHistory(client) {
    const loads = get().history.loads;
    set({ history: { status: 'loading', error: null, loads } });
    try {
      const { turns, has_more } = await client.call('conversation', { query: { limit: TURN_LIMIT } });
      set((s) => {
        const merged = mergeHistory(s.turns, turns, s.hiddenBefore, s.limit);
        // After a reconnect the older pages already shown still say whether more remain.
        const paged = s.limit === TURN_LIMIT && s.hiddenBefore === null ? { ...s.older, hasMore: has_more } : s.older;
        // Kiwi answers again: an older page that failed while it was away is no error any more (the button tries again).
        const older = paged.status === 'failed' ? { ...paged, status: 'idle' as const, error: null } : paged;
        return { turns: merged, older, seq: Math.max(s.seq, merged.at(-1)?.seq ?? 0), history: { status: 'loaded', error: null, loads: loads + 1 } };
      });
    } catch (err) {
      set({ history: { status: 'failed', error: errorText(err), loads } });
    }
  },

  async loadOlder(client) {
    const { turns: shown, older } = get();
    if (older.status === 'loading') return;
    // Ignored utterances and typed turns still on their way are not kept: page from the oldest kept one.
    const before = shown.find((t) => t.ignored === null && t.id !== null)?.id;
    if (!before) return;
    set({ older: { ...older, status: 'loading', error: null } });
    try {
      const page = await client.call('conversation', { query: { limit: TURN_LIMIT, before } });
      set((s) => {
        const ids = new Set(s.turns.map((t) => t.id));
        const added = page.turns.filter((t) => !ids.has(t.turn_id)).map((t) => turnFromHistory(t, 0));
        const turns = [...added, ...s.turns].map((t, i) => ({ ...t, seq: i + 1 }));
        return { turns, seq: Math.max(s.seq, turns.length), limit: Math.min(PAGED_LIMIT, s.limit + added.length), older: { hasMore: page.has_more, status: 'idle', error: null } };
      });
    } catch (err) {
      set((s) => ({ older: { ...s.older, status: 'failed', error: errorText(err) } }));
    }
  },

  receive(event, activeSoul) {
    if (event.event === 'LLM_COMPLETE') {
      const facts = llmFactsOf(event.data);
      if (facts.turnId === null) return;
      // Normally LLM_COMPLETE comes first; if its turn already ended, it belongs to that turn.
      const index = get().turns.findIndex((t) => t.id === facts.turnId);
      const turn = get().turns[index];
      if (turn) set((s) => ({ turns: s.turns.map((t, i) => (i === index ? { ...turn, llm: facts, soul: facts.soul ?? turn.soul } : t)) }));
      else set({ llm: facts });
      return;
    }
    if (event.event !== 'TURN_FINISHED') return;
    const { seq, llm } = get();
    const turn = turnFromEvent(event, seq + 1, activeSoul, llm);
    // Already here: the history fetched on (re)connect brought it before its event did.
    if (turn.id !== null && get().turns.some((t) => t.id === turn.id)) {
      set((s) => ({ pending: s.pending.filter((p) => p.turnId !== turn.id) }));
      return;
    }
    set((s) => {
      // While older pages are shown, a new turn does not push out the one the reader went back for.
      const limit = s.limit > TURN_LIMIT && turn.ignored === null ? Math.min(PAGED_LIMIT, s.limit + 1) : s.limit;
      return {
      seq: seq + 1,
      limit,
      llm: turn.llm ? null : s.llm,
      turns: appendTurn(s.turns, turn, limit),
      live: turn.ignored === null ? turn : s.live,
      // A typed turn from this page: its entry gives way to the real one.
      pending: turn.id === null ? s.pending : s.pending.filter((p) => p.turnId !== turn.id),
      };
    });
  },

  addPending(text) {
    const id = ++pendingIds;
    set((s) => ({ pending: [...s.pending, { id, text, status: 'sending' }] }));
    return id;
  },

  settlePending(id, outcome) {
    const turnId = outcome.answer?.turn_id;
    set((s) => ({
      pending: s.pending
        // Its TURN_FINISHED came before the answer: the turn is shown already.
        .filter((p) => !(p.id === id && turnId !== undefined && s.turns.some((t) => t.id === turnId)))
        .map((p) => (p.id === id ? { ...p, ...outcome, turnId, status: outcome.error ? 'failed' : 'answered' } : p)),
    }));
  },

  dismissPending: (id) => set((s) => ({ pending: s.pending.filter((p) => p.id !== id) })),

  clear: () =>
    set((s) => ({ turns: [], pending: [], llm: null, hiddenBefore: s.turns.at(-1)?.at ?? s.hiddenBefore, limit: TURN_LIMIT, older: { hasMore: false, status: 'idle', error: null } })),
}));
