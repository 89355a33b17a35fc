import { WEEKDAYS } from './language/locale.ts';
import type { TimerItem } from './types.ts';

/** An item as the API and events show it: instants as ISO-8601 UTC, weekdays by name. */
export interface TimerView {
  id: string;
  kind: TimerItem['kind'];
  state: TimerItem['state'];
  label: string | null;
  task: string | null;
  owner_id: string | null;
  owner_name: string | null;
  language: string;
  due_at: string;
  next_at: string;
  remaining_s: number;
  duration_s: number | null;
  time: string | null;
  days: Array<(typeof WEEKDAYS)[number]>;
  recurring: boolean;
  ringing_since: string | null;
  created_at: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toView(item: TimerItem, now: number): TimerView {
  return {
    id: item.id,
    kind: item.kind,
    state: item.state,
    label: item.label,
    task: item.task,
    owner_id: item.owner_id,
    owner_name: item.owner_name,
    language: item.language,
    due_at: iso(item.due_at),
    next_at: iso(item.next_at),
    remaining_s: item.state === 'ringing' ? 0 : Math.max(0, Math.ceil((item.next_at - now) / 1000)),
    duration_s: item.duration_ms === null ? null : Math.round(item.duration_ms / 1000),
    time: item.clock,
    days: item.days.map((d) => WEEKDAYS[d]!),
    recurring: item.days.length > 0,
    ringing_since: item.ringing_since === null ? null : iso(item.ringing_since),
    created_at: iso(item.created_at),
  };
}
