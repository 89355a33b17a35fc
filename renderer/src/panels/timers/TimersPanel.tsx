import { useRef } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useNow } from './countdown.ts';
import { TimerFormView } from './TimerForm.tsx';
import { TimerRow } from './TimerRow.tsx';
import './timers.css';

/**
 * Timers, alarms and reminders, soonest first, counting down live; ringing ones at the top and
 * highlighted. The list follows TIMER_*, ALARM_* and REMINDER_* events (set by voice elsewhere too).
 */
export function TimersPanel() {
  const client = useClient();
  const list = useDashboard((s) => s.data.timers);
  const canControl = useCan('control');
  const now = useNow(1000);
  const { busy, error, run } = useAction();
  const items = list ? [...list.items].sort((a, b) => Number(b.state === 'ringing') - Number(a.state === 'ringing')) : [];
  const ringing = list?.ringing.length ?? 0;
  // A cancelled timer's row (and its Cancel button) goes: the focus moves to the list, not to the page.
  const listEl = useRef<HTMLUListElement>(null);

  return (
    <Panel
      id="timers"
      title="Timers"
      actions={
        ringing > 0 && (
          <button type="button" className="danger" disabled={busy || !canControl} onClick={() => void run(() => client.call('stopTimers', { body: {} }))}>
            Stop all ringing ({ringing})
          </button>
        )
      }
    >
      <InlineError error={error} />
      {!list && <p className="muted">Loading…</p>}
      {list && items.length === 0 && <p className="muted">No timers, alarms or reminders. Set one below, or say “set a timer for 5 minutes”.</p>}
      <ul className="cards timers" aria-label="Timers, alarms and reminders" ref={listEl} tabIndex={-1}>
        {items.map((item) => (
          <TimerRow key={item.id} item={item} now={now} timeZone={list?.time_zone ?? ''} canControl={canControl} onCancelled={() => listEl.current?.focus()} />
        ))}
      </ul>
      {canControl ? <TimerFormView /> : <p className="muted">Setting and changing timers needs the control scope.</p>}
    </Panel>
  );
}
