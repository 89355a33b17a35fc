import { create } from 'zustand';
import type { EventEnvelope } from '../../../main/contract/events.ts';

/** How many turns the transcript keeps: answered turns and ignored utterances are capped apart, so noise never pushes out what was said. */
export const TURN_LIMIT = 100;
export const IGNORED_LIMIT = 50;

export interface TurnSpeaker {
  id: string;
  name: string;
  confidence: number;
}

/** What the LLM_COMPLETE of a turn adds: when its first token came (from the LLM request), the model and soul. */
export interface LlmFacts {
  firstTokenMs: number | null;
  ms: number | null;
  model: string | null;
  soul: string | null;
  status: string | null;
  speakerId: string | null;
}

/** One TURN_FINISHED, as the transcript shows it. */
export interface Turn {
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
  answer?: { command: string | null; reply: string | null };
  error?: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function speakerOf(v: unknown): TurnSpeaker | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as Record<string, unknown>;
  const id = str(s.id);
  const name = str(s.name);
  return id && name ? { id, name, confidence: num(s.confidence) ?? 0 } : null;
}

function timingsOf(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (v && typeof v === 'object') for (const [k, t] of Object.entries(v)) if (num(t) !== null) out[k] = t as number;
  return out;
}

export function llmFactsOf(data: Record<string, unknown>): LlmFacts {
  return {
    firstTokenMs: num(data.first_token_ms),
    ms: num(data.ms),
    model: str(data.model),
    soul: str(data.soul),
    status: str(data.status),
    speakerId: str(data.speaker_id),
  };
}

/** A TURN_FINISHED envelope as a Turn (event data is untyped on the wire: every field is checked). */
export function turnFromEvent(event: EventEnvelope, seq: number, activeSoul: string | null, llm: LlmFacts | null): Turn {
  const d = event.data;
  const command = str(d.command);
  const speaker = speakerOf(d.speaker);
  const llmHere = command === 'llm' && llm && llm.speakerId === (speaker?.id ?? null) ? llm : null;
  return {
    seq,
    at: event.timestamp,
    source: str(d.source) ?? event.source,
    wake: d.wake === true,
    transcript: str(d.transcript) ?? '',
    language: str(d.language) ?? '',
    speaker,
    command,
    reply: str(d.reply),
    ignored: str(d.ignored),
    timings: timingsOf(d.timings_ms),
    soul: llmHere?.soul ?? activeSoul,
    llm: llmHere,
  };
}

/** Appends a turn and drops the oldest beyond the limits (ignored ones first, among themselves). */
export function appendTurn(turns: Turn[], turn: Turn): Turn[] {
  let next = [...turns, turn];
  const ignored = next.filter((t) => t.ignored !== null);
  if (ignored.length > IGNORED_LIMIT) {
    const drop = new Set(ignored.slice(0, ignored.length - IGNORED_LIMIT));
    next = next.filter((t) => !drop.has(t));
  }
  const answered = next.filter((t) => t.ignored === null);
  if (answered.length > TURN_LIMIT) {
    const drop = new Set(answered.slice(0, answered.length - TURN_LIMIT));
    next = next.filter((t) => !drop.has(t));
  }
  return next;
}

interface ConversationState {
  turns: Turn[];
  pending: PendingTyped[];
  /** The LLM_COMPLETE that came before its TURN_FINISHED. */
  llm: LlmFacts | null;
  seq: number;
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
  llm: null,
  seq: 0,

  receive(event, activeSoul) {
    if (event.event === 'LLM_COMPLETE') {
      const facts = llmFactsOf(event.data);
      const last = get().turns.at(-1);
      // Normally LLM_COMPLETE comes first; if its turn already ended, it belongs to that turn.
      if (last && last.command === 'llm' && !last.llm && facts.speakerId === (last.speaker?.id ?? null)) {
        set((s) => ({ turns: [...s.turns.slice(0, -1), { ...last, llm: facts, soul: facts.soul ?? last.soul }] }));
      } else set({ llm: facts });
      return;
    }
    if (event.event !== 'TURN_FINISHED') return;
    const { seq, llm } = get();
    const turn = turnFromEvent(event, seq + 1, activeSoul, llm);
    set((s) => {
      // A typed turn from this page: its entry gives way to the real one.
      const index = turn.source === 'text' ? s.pending.findIndex((p) => p.text === turn.transcript) : -1;
      return {
        seq: seq + 1,
        llm: turn.llm ? null : s.llm,
        turns: appendTurn(s.turns, turn),
        pending: index < 0 ? s.pending : s.pending.filter((_, i) => i !== index),
      };
    });
  },

  addPending(text) {
    const id = ++pendingIds;
    set((s) => ({ pending: [...s.pending, { id, text, status: 'sending' }] }));
    return id;
  },

  settlePending(id, outcome) {
    set((s) => ({
      pending: s.pending.map((p) => (p.id === id ? { ...p, ...outcome, status: outcome.error ? 'failed' : 'answered' } : p)),
    }));
  },

  dismissPending: (id) => set((s) => ({ pending: s.pending.filter((p) => p.id !== id) })),

  clear: () => set({ turns: [], pending: [], llm: null }),
}));
