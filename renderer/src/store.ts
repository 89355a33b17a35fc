import { create } from 'zustand';
import type { z } from 'zod';
import type { SoulList, Status } from '../../main/contract/api.ts';
import type { EventEnvelope } from '../../main/contract/events.ts';
import type { KiwiClient } from './client/kiwi-client.ts';

const LOG_LIMIT = 200;

interface DashboardState {
  connected: boolean;
  status: Status | null;
  souls: z.infer<typeof SoulList> | null;
  events: EventEnvelope[];
  error: string | null;
  refresh(client: KiwiClient): Promise<void>;
  receive(event: EventEnvelope): void;
  setConnected(connected: boolean): void;
  setError(error: string | null): void;
}

/** Events that change what GET /api/status or /api/souls would answer. */
const REFRESHING = new Set(['STATE_CHANGED', 'SOUL_CHANGED', 'CONFIG_CHANGED', 'LANGUAGE_CHANGED', 'HA_CONNECTION_CHANGED', 'ENGINE_READY']);

export const useDashboard = create<DashboardState>((set) => ({
  connected: false,
  status: null,
  souls: null,
  events: [],
  error: null,
  async refresh(client) {
    const [status, souls] = await Promise.all([client.getStatus(), client.listSouls()]);
    set({ status, souls });
  },
  receive(event) {
    set((s) => ({ events: [event, ...s.events].slice(0, LOG_LIMIT) }));
  },
  setConnected: (connected) => set({ connected }),
  setError: (error) => set({ error }),
}));

export const needsRefresh = (event: EventEnvelope) => REFRESHING.has(event.event);
