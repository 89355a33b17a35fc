import { describe, expect, it } from 'vitest';
import type { TurnRequest } from '../engine/listening/turn.ts';
import { KiwiError } from '../platform/errors.ts';
import { createRouter, type PartialHandler } from './router.ts';
import { loggingRouterDeps } from './testing/router-deps.ts';

/** A router whose every step logs (a built-in command that passes, the gate, Home Assistant, the LLM). */
function setup() {
  const log: string[] = [];
  const router = createRouter(loggingRouterDeps(log, { commands: [async (request) => (log.push(`command ${request.text}`), null)] }));
  const controller = new AbortController();
  let stand: (stands: boolean) => void = () => undefined;
  const settled = new Promise<boolean>((resolve) => (stand = resolve));
  const request = (withSettled: boolean): TurnRequest => ({ text: 'turn on the lights', language: 'en', speaker: null, source: 'mic', signal: controller.signal, ...(withSettled ? { settled } : {}) });
  return { log, router, controller, stand, request };
}

const ALL_STEPS = ['command turn on the lights', 'gate turn on the lights', 'homeassistant turn on the lights', 'llm turn on the lights'];

describe('router: a provisional request (TurnRequest.settled) acts only once its words stand', () => {
  it('without `settled` every step runs at once, as always', async () => {
    const { log, router, request } = setup();
    expect(await router(request(false))).toMatchObject({ command: 'llm' });
    expect(log).toEqual(ALL_STEPS);
  });

  it('runs nothing while `settled` is pending, then everything once it resolves true', async () => {
    const { log, router, stand, request } = setup();
    const answer = router(request(true));
    // Each step is awaited in turn: these rounds would have let a router that does not wait reach the LLM.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(log).toEqual([]);
    stand(true);
    expect(await answer).toMatchObject({ command: 'llm', reply: ['llm: turn on the lights'] });
    expect(log).toEqual(ALL_STEPS);
  });

  it('runs nothing when `settled` resolves false (the words were joined to what followed): no command, no reply', async () => {
    const { log, router, stand, request } = setup();
    const answer = router(request(true));
    stand(false);
    expect(await answer).toEqual({ command: null, reply: null });
    expect(log).toEqual([]);
  });

  it('a turn cut short while it waits throws its reason, and nothing runs after', async () => {
    const { log, router, controller, stand, request } = setup();
    const answer = router(request(true));
    controller.abort(new KiwiError('joined', 'joined'));
    await expect(answer).rejects.toMatchObject({ code: 'joined' });
    stand(true);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(log).toEqual([]);
  });
});

describe('router: the LLM prefetch starts while the words wait, and is discarded unless the LLM answered', () => {
  function withPrefetchLog(commands: PartialHandler[] = []) {
    const log: string[] = [];
    const deps = loggingRouterDeps(log, { commands });
    const llm = Object.assign(deps.llmTurn, {
      prefetch: (request: TurnRequest) => log.push(`prefetch ${request.text}`),
      discard: (request: TurnRequest) => log.push(`discard ${request.text}`),
    });
    return { log, router: createRouter({ ...deps, llmTurn: llm }) };
  }
  const controller = new AbortController();
  const request = (settled?: Promise<boolean>): TurnRequest => ({ text: 'tell me about penguins', language: 'en', speaker: null, source: 'mic', signal: controller.signal, ...(settled ? { settled } : {}) });

  it('prefetches before anything else runs, only for a request that waits for its words', async () => {
    const { log, router } = withPrefetchLog();
    await router(request(Promise.resolve(true)));
    expect(log[0]).toBe('prefetch tell me about penguins');
    log.length = 0;
    await router(request());
    expect(log.filter((line) => line.startsWith('prefetch'))).toEqual([]);
  });

  it('discards the prefetch when a built-in command answered instead, when the words were joined, and after the LLM (a no-op once adopted)', async () => {
    const builtin = withPrefetchLog([async () => ({ command: 'time', reply: ['It is noon.'] })]);
    await builtin.router(request(Promise.resolve(true)));
    expect(builtin.log).toEqual(['prefetch tell me about penguins', 'discard tell me about penguins']);

    const joined = withPrefetchLog();
    expect(await joined.router(request(Promise.resolve(false)))).toEqual({ command: null, reply: null });
    expect(joined.log).toEqual(['prefetch tell me about penguins', 'discard tell me about penguins']);

    const asked = withPrefetchLog();
    await asked.router(request(Promise.resolve(true)));
    expect(asked.log.at(-2)).toBe('llm tell me about penguins');
    expect(asked.log.at(-1)).toBe('discard tell me about penguins');
  });
});
