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
  /** The error is a failed load: it goes by itself once every resource that failed loads again (Kiwi restarted, the network came back). */
  errorFromLoad: boolean;
  checkAuth(client: KiwiClient): Promise<void>;
  load(client: KiwiClient, names: ResourceName[]): Promise<void>;
  receive(client: KiwiClient, event: EventEnvelope): void;
  setConnected(connected: boolean): void;
  setError(error: string | null): void;
  clearEvents(): void;
  signedOut(): void;
}

/** The latest request made for each resource (answers to older ones are dropped). */
const requested: Partial<Record<ResourceName, number>> = {};
let requests = 0;
/** Resources whose latest load failed. */
const failing = new Set<ResourceName>();

export const useDashboard = create<DashboardState>((set, get) => ({
  connected: false,
  state: null,
  data: {},
  auth: null,
  events: [],
  downloads: {},
  error: null,
  errorFromLoad: false,

  async checkAuth(client) {
    set({ auth: await client.call('authScopes') });
  },

  async load(client, names) {
    // Each answer lands on its own as it arrives (a refused read, e.g. after sign-out, must not
    // blank the rest), and only if no newer request for that resource was made meanwhile: a slow
    // reload of everything after a reconnect must not overwrite what a later event fetched.
    const failures: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const ticket = (requested[name] = ++requests);
        try {
          const value = await loaders[name](client);
          if (requested[name] !== ticket) return;
          failing.delete(name);
          set((s) => ({ data: { ...s.data, [name]: value }, ...(name === 'status' ? { state: (value as Resources['status']).state } : {}) }));
        } catch (err) {
          if (requested[name] !== ticket) return; // a newer request for it is under way: its answer counts
          failing.add(name);
          failures.push(errorText(err));
        }
      }),
    );
    if (failures.length > 0) set({ error: failures[0], errorFromLoad: true });
    else if (get().errorFromLoad && failing.size === 0) set({ error: null, errorFromLoad: false });
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
  setError: (error) => set({ error, errorFromLoad: false }),
  clearEvents: () => set({ events: [] }),
  signedOut: () => set((s) => ({ auth: s.auth ? { ...s.auth, scopes: [], name: null } : null, data: {}, events: [], connected: false })),
}));

/** Whether the signed-in caller has `scope` (scopes nest: admin ⊃ control ⊃ read). */
export function hasScope(auth: Answer<'authScopes'> | null, scope: Scope): boolean {
  const rank: Record<Scope, number> = { read: 0, control: 1, admin: 2 };
  return (auth?.scopes ?? []).some((s) => rank[s] >= rank[scope]);
}

export const useCan = (scope: Scope) => useDashboard((s) => hasScope(s.auth, scope));
