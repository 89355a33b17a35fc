import { create } from 'zustand';
import type { Scope } from '../../../main/contract/config.ts';
import type { EngineState, EventEnvelope } from '../../../main/contract/events.ts';
import { errorText, type Answer, type KiwiClient } from '../client/kiwi-client.ts';
import { foldDownload, type DownloadProgress } from './downloads.ts';
import { loaders, staleAfter, type ResourceName, type Resources } from './resources.ts';

/** The event log keeps this many entries, newest first, so a chatty stream (LLM tokens) never floods the page. */
export const LOG_LIMIT = 200;

interface DashboardState {
  connected: boolean;
  /** Live from STATE_CHANGED (and /api/status), so the orb moves without waiting for a reload. */
  state: EngineState | null;
  data: Partial<Resources>;
  auth: Answer<'authScopes'> | null;
  events: EventEnvelope[];
  downloads: Record<string, DownloadProgress>;
  error: string | null;
  checkAuth(client: KiwiClient): Promise<void>;
  load(client: KiwiClient, names: ResourceName[]): Promise<void>;
  receive(client: KiwiClient, event: EventEnvelope): void;
  setConnected(connected: boolean): void;
  setError(error: string | null): void;
  clearEvents(): void;
  signedOut(): void;
}

export const useDashboard = create<DashboardState>((set, get) => ({
  connected: false,
  state: null,
  data: {},
  auth: null,
  events: [],
  downloads: {},
  error: null,

  async checkAuth(client) {
    set({ auth: await client.call('authScopes') });
  },

  async load(client, names) {
    // A refused read (e.g. after sign-out) must not blank the rest: each answer lands on its own.
    const results = await Promise.allSettled(names.map(async (name) => [name, await loaders[name](client)] as const));
    const data: Partial<Resources> = { ...get().data };
    const failures: string[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') Object.assign(data, { [result.value[0]]: result.value[1] });
      else failures.push(errorText(result.reason));
    }
    set({ data, ...(data.status ? { state: data.status.state } : {}) });
    if (failures.length > 0) set({ error: failures[0] });
  },

  receive(client, event) {
    set((s) => ({
      events: [event, ...s.events].slice(0, LOG_LIMIT),
      downloads: foldDownload(s.downloads, event),
      ...(event.event === 'STATE_CHANGED' && typeof event.data.new_state === 'string' ? { state: event.data.new_state as EngineState } : {}),
      ...(event.event === 'CONNECTED' && typeof event.data.state === 'string' ? { state: event.data.state as EngineState } : {}),
    }));
    const stale = staleAfter(event);
    if (stale.length > 0) void get().load(client, stale);
  },

  setConnected: (connected) => set({ connected }),
  setError: (error) => set({ error }),
  clearEvents: () => set({ events: [] }),
  signedOut: () => set((s) => ({ auth: s.auth ? { ...s.auth, scopes: [], name: null } : null, data: {}, events: [], connected: false })),
}));

/** Whether the signed-in caller has `scope` (scopes nest: admin ⊃ control ⊃ read). */
export function hasScope(auth: Answer<'authScopes'> | null, scope: Scope): boolean {
  const rank: Record<Scope, number> = { read: 0, control: 1, admin: 2 };
  return (auth?.scopes ?? []).some((s) => rank[s] >= rank[scope]);
}

export const useCan = (scope: Scope) => useDashboard((s) => hasScope(s.auth, scope));
