import type { EventName } from '../contract/events.ts';
import type { EventBus } from '../engine/events/event-bus.ts';
import { describeError } from '../platform/errors.ts';
import type { Clock } from './clock.ts';
import type { TimerItem, TimerKind } from './types.ts';
import { toView } from './view.ts';

const EVENT_KIND: Record<TimerKind, string> = { timer: 'TIMER', alarm: 'ALARM', reminder: 'REMINDER' };

/** What the timer service tells the bus: `<KIND>_<WHAT>` with the item as the API shows it, and its errors. */
export class TimerEvents {
  constructor(
    private readonly bus: Pick<EventBus, 'emit'>,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** `what`: SET, UPDATED, CANCELLED, RINGING, SNOOZED, STOPPED or MISSED. */
  item(item: TimerItem, what: string, extra: Record<string, unknown> = {}): void {
    this.bus.emit(`${EVENT_KIND[item.kind]}_${what}` as EventName, { item: toView(item, this.clock.now()), ...extra }, 'timers');
  }

  error(code: string, err: unknown): void {
    this.bus.emit('ERROR', { code, message: describeError(err) }, 'timers');
  }
}
