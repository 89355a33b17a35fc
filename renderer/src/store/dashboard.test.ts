import { beforeEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES, type EventEnvelope } from '../../../main/contract/events.ts';
import type { RouteId } from '../../../main/contract/routes.ts';
import type { KiwiClient } from '../client/kiwi-client.ts';
import { hasScope, LOG_LIMIT, useDashboard } from './dashboard.ts';

const ev = (event: EventEnvelope['event'], data: Record<string, unknown> = {}, n = 0): EventEnvelope => ({
  event,
  data,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(),
  source: 'test',
});

/** A client that records which routes were called and answers each with a marker. */
function recordingClient(): { client: KiwiClient; calls: RouteId[] } {
  const calls: RouteId[] = [];
  const client = {
    call: async (route: RouteId) => {
      calls.push(route);
      return route === 'status' ? { state: 'LISTENING' } : { route };
    },
    onEvent: () => () => undefined,
    openAudio: () => {
      throw new Error('not used');
    },
  } as unknown as KiwiClient;
  return { client, calls };
}

describe('dashboard store', () => {
  beforeEach(() => useDashboard.setState({ events: [], data: {}, state: null, downloads: {}, error: null, errorFromLoad: false }));

  it(`keeps the newest ${LOG_LIMIT} events, newest first, however many arrive`, () => {
    const { client } = recordingClient();
    for (let i = 0; i < LOG_LIMIT + 50; i++) useDashboard.getState().receive(client, ev('LLM_TOKEN', { i }, i));
    const { events } = useDashboard.getState();
    expect(events).toHaveLength(LOG_LIMIT);
    expect(events[0]!.data.i).toBe(LOG_LIMIT + 49);
    expect(events.at(-1)!.data.i).toBe(50);
  });

  it('moves the orb on STATE_CHANGED at once, then reloads only what the event makes stale', async () => {
    const { client, calls } = recordingClient();
    useDashboard.getState().receive(client, ev('STATE_CHANGED', { old_state: 'IDLE', new_state: 'SPEAKING' }));
    expect(useDashboard.getState().state).toBe('SPEAKING');
    expect(calls).toEqual(['status']);
    calls.length = 0;
    useDashboard.getState().receive(client, ev('SPEAKER_UPDATED', { id: 'spk_001' }));
    useDashboard.getState().receive(client, ev('LLM_TOKEN', { token: 'hi' }));
    expect(calls).toEqual(['listSpeakers', 'status']); // a profile change may enrol the owner: status.household_open
  });

  it('reloads everything when the event stream (re)connects', async () => {
    const { client, calls } = recordingClient();
    useDashboard.getState().receive(client, ev('CONNECTED', { state: 'IDLE' }));
    expect(new Set(calls)).toEqual(new Set(['status', 'souls', 'getConfig', 'listSpeakers', 'languages', 'listModels', 'haStatus', 'integrations', 'listTimers', 'listApprovals', 'setupPlan']));
    await expect.poll(() => useDashboard.getState().state).toBe('LISTENING');
  });

  it('an older, slower reload never overwrites what a newer one fetched (reconnect, then a soul switch)', async () => {
    // The reload after CONNECTED asks for the souls before the switch and answers last.
    const answers: Array<(value: unknown) => void> = [];
    let soul = 'default';
    const client = {
      call: (route: RouteId) => {
        if (route !== 'souls') return Promise.resolve({});
        const asked = soul;
        return new Promise((resolve) => answers.push(() => resolve({ active: asked })));
      },
    } as unknown as KiwiClient;
    const before = useDashboard.getState().load(client, ['souls']);
    soul = 'comedian';
    const after = useDashboard.getState().load(client, ['souls']);
    answers[1]!(undefined); // the newer answer arrives first…
    await after;
    answers[0]!(undefined); // …the older one last
    await before;
    expect(useDashboard.getState().data.souls).toEqual({ active: 'comedian' });
  });

  it('a failed load shows an error that goes by itself once what failed loads again (Kiwi restarted)', async () => {
    let up = false;
    const client = {
      call: async (route: RouteId) => {
        if (!up) throw new TypeError('Failed to fetch');
        return route === 'status' ? { state: 'IDLE' } : {};
      },
    } as unknown as KiwiClient;
    const { load } = useDashboard.getState();
    await load(client, ['status', 'models']);
    expect(useDashboard.getState().error).toBe('Failed to fetch');
    up = true;
    await load(client, ['status']); // the models have not loaded again yet
    expect(useDashboard.getState().error).toBe('Failed to fetch');
    await load(client, ['models']);
    expect(useDashboard.getState().error).toBeNull();
  });

  it("an action's error stays until dismissed, whatever loads meanwhile", async () => {
    const { client } = recordingClient();
    useDashboard.getState().setError('Soul not found (soul_not_found)');
    await useDashboard.getState().load(client, ['souls']);
    expect(useDashboard.getState().error).toBe('Soul not found (soul_not_found)');
  });

  it('reloads timers on every timer, alarm and reminder event, and approvals on approval events', () => {
    const { client, calls } = recordingClient();
    const timerEvents = EVENT_NAMES.filter((n) => /^(TIMER|ALARM|REMINDER)_/.test(n));
    // Every action on every kind of item (main/timers): a missing or renamed event fails here.
    const kinds = ['TIMER', 'ALARM', 'REMINDER'];
    const actions = ['SET', 'UPDATED', 'CANCELLED', 'RINGING', 'SNOOZED', 'STOPPED', 'MISSED'];
    expect(new Set(timerEvents)).toEqual(new Set(kinds.flatMap((kind) => actions.map((action) => `${kind}_${action}`))));
    for (const name of timerEvents) {
      calls.length = 0;
      useDashboard.getState().receive(client, ev(name, { item: {} }));
      expect(calls, name).toEqual(['listTimers']);
    }
    for (const name of ['APPROVAL_REQUESTED', 'APPROVAL_RESOLVED'] as const) {
      calls.length = 0;
      useDashboard.getState().receive(client, ev(name, { approval: {} }));
      expect(calls).toEqual(['listApprovals']);
    }
  });

  it('reloads the souls when a soul is added, changed or deleted through the API, not only when the active one changes', () => {
    const { client, calls } = recordingClient();
    for (const name of ['SOUL_ADDED', 'SOUL_UPDATED', 'SOUL_DELETED'] as const) {
      calls.length = 0;
      useDashboard.getState().receive(client, ev(name, { soul_id: 'pirate', name: 'Pirate' }));
      expect(calls, name).toEqual(['souls', 'status']);
    }
  });

  it('nests scopes: admin may control, control may read, read may not control', () => {
    const auth = (scopes: Array<'read' | 'control' | 'admin'>) => ({ auth_enabled: true, scopes, name: 'x' });
    expect(hasScope(auth(['admin']), 'control')).toBe(true);
    expect(hasScope(auth(['control']), 'read')).toBe(true);
    expect(hasScope(auth(['read']), 'control')).toBe(false);
    expect(hasScope(null, 'read')).toBe(false);
  });
});
