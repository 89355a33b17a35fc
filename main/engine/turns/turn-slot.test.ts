import { describe, expect, it } from 'vitest';
import { KiwiError } from '../../platform/errors.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { StateMachine } from '../dialogue/state-machine.ts';
import { EventBus } from '../events/event-bus.ts';
import { TurnRun } from './turn-run.ts';
import { TurnSlot } from './turn-slot.ts';

function slot() {
  const machine = new StateMachine('LISTENING');
  const turns = new TurnSlot(machine, () => 'LISTENING');
  const run = () => new TurnRun({ bus: new EventBus(), clock: new ManualClock('2026-01-01T00:00:00Z') }, 'voice', 'mic');
  return { machine, turns, run };
}

describe("the engine's one running turn", () => {
  it('a newer turn supersedes the running one; the old one ending later leaves the state to the new', () => {
    const { machine, turns, run } = slot();
    const first = turns.begin('PROCESSING', run());
    machine.moveTo('THINKING');
    const second = turns.begin('PROCESSING', run()); // still THINKING: it thinks at once
    expect(first.signal.reason).toMatchObject({ code: 'superseded' });
    expect(machine.state).toBe('THINKING');
    turns.end(first);
    expect({ state: machine.state, busy: turns.busy }).toEqual({ state: 'THINKING', busy: true });
    turns.end(second);
    expect({ state: machine.state, busy: turns.busy }).toEqual({ state: 'LISTENING', busy: false });
  });

  it('idle() waits for the running turn; cancel() ends it with its reason and names its run', async () => {
    const { turns, run } = slot();
    await turns.idle(); // nothing running
    const speaking = run();
    const turn = turns.begin('SPEAKING', speaking);
    expect(turns.runId).toBe(speaking.id);
    let idle = false;
    const waiting = turns.idle().then(() => (idle = true));
    turns.cancel(new KiwiError('barge_in', 'The user spoke over Kiwi'));
    expect(turn.signal.reason).toMatchObject({ code: 'barge_in' });
    await Promise.resolve();
    expect(idle).toBe(false); // cancelled, not over: the turn ends itself
    turns.end(turn);
    await waiting;
    expect(turns.runId).toBeUndefined();
  });

  it('closing lets waiters go and leaves the state where it is', async () => {
    const { machine, turns, run } = slot();
    const turn = turns.begin('SPEAKING', run());
    const waiting = turns.idle();
    turns.close(new KiwiError('engine_restarting', 'The engine is restarting'));
    await waiting;
    expect(turn.signal.aborted).toBe(true);
    turns.end(turn);
    expect(machine.state).toBe('SPEAKING');
  });
});
