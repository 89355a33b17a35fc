import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import type { EventEnvelope } from '../../contract/events.ts';
import { EventBus } from '../../engine/events/event-bus.ts';
import type { IdentifiedSpeaker, TurnAnswer, TurnRequest } from '../../engine/listening/turn.ts';
import { openSqliteStore } from '../../store/sqlite-store.ts';
import type { SpeakerRecord, Store } from '../../store/store.ts';
import type { Approval } from '../approvals.ts';
import { SecurityService } from '../security-service.ts';
import { ManualClock } from './manual-clock.ts';

/** A SecurityService over an in-memory store, a manual clock and a recording `resume`, with one voice per role. */
export interface SecurityHarness {
  security: SecurityService;
  bus: EventBus;
  config: Config;
  store: Store;
  clock: ManualClock;
  events: EventEnvelope[];
  /** Held requests that ran again after approval, with the approval that released them. */
  resumed: Array<{ request: TurnRequest; approval: Approval }>;
  announced: Array<{ text: string; language: string }>;
  voices: { owner: SpeakerRecord; friend: SpeakerRecord; guest: SpeakerRecord; blocked: SpeakerRecord };
  /** A turn: a voice (speaker record), an unknown voice (null) or a typed API turn ('typed'). */
  turn(text: string, who: SpeakerRecord | null | 'typed', language?: string): TurnRequest;
  /** Voice approvals first, then the gate, as the router orders them; null: it would reach Home Assistant / the LLM. */
  route(request: TurnRequest): Promise<{ command: string | null; reply: string | null } | null>;
  close(): Promise<void>;
}

export const identified = (s: SpeakerRecord): IdentifiedSpeaker => ({ id: s.id, name: s.name, priority: s.priority, confidence: 0.9, blocked: s.is_blocked });

export async function collectReply(answer: TurnAnswer): Promise<string | null> {
  if (!answer.reply) return null;
  const out: string[] = [];
  for await (const sentence of answer.reply) out.push(sentence);
  return out.join(' ');
}

export function makeSecurityHarness(configure: (config: Config) => void = () => undefined, extra: { fetch?: typeof fetch } = {}): SecurityHarness {
  const config = structuredClone(DEFAULT_CONFIG);
  configure(config);
  const store = openSqliteStore(':memory:');
  const voices = {
    owner: store.speakers.create({ name: 'Maria', priority: 0 }),
    friend: store.speakers.create({ name: 'Anna', priority: 1 }),
    guest: store.speakers.create({ name: 'Guest 1', priority: 2, auto_learned: true }),
    blocked: store.speakers.create({ name: 'Spammer', priority: 99, is_blocked: true }),
  };
  const bus = new EventBus();
  const events: EventEnvelope[] = [];
  bus.subscribe((e) => events.push(e));
  const clock = new ManualClock();
  const resumed: SecurityHarness['resumed'] = [];
  const announced: SecurityHarness['announced'] = [];
  const security = new SecurityService({
    config: () => config,
    bus,
    store,
    clock,
    fetch: extra.fetch,
    resume: async (request, approval) => {
      resumed.push({ request, approval });
      return { command: 'homeassistant', reply: [`Done: ${request.text}.`] };
    },
    announce: (text, language) => announced.push({ text, language }),
  });
  const turn = (text: string, who: SpeakerRecord | null | 'typed', language = 'en'): TurnRequest => ({
    text,
    language,
    speaker: who && who !== 'typed' ? identified(who) : null,
    source: who === 'typed' ? 'text' : 'mic',
    signal: new AbortController().signal,
  });
  return {
    security,
    bus,
    config,
    store,
    clock,
    events,
    resumed,
    announced,
    voices,
    turn,
    async route(request) {
      const answer = (await security.voiceApprovals(request)) ?? (await security.gate(request));
      return answer ? { command: answer.command, reply: await collectReply(answer) } : null;
    },
    async close() {
      await security.close();
      store.close();
    },
  };
}
