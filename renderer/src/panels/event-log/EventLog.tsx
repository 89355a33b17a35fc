import { useMemo, useState } from 'react';
import { EVENT_NAMES } from '../../../../main/contract/events.ts';
import { LOG_LIMIT, useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';

/** The last events (capped), filterable by name and by text in their data. */
export function EventLog() {
  const events = useDashboard((s) => s.events);
  const clear = useDashboard((s) => s.clearEvents);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    return events.filter((e) => (!name || e.event === name) && (!needle || JSON.stringify(e.data).toLowerCase().includes(needle)));
  }, [events, name, text]);

  return (
    <Panel
      id="events"
      title="Events"
      actions={
        <button type="button" onClick={clear}>
          Clear
        </button>
      }
    >
      <div className="row">
        <label>
          Event{' '}
          <select value={name} onChange={(e) => setName(e.target.value)} data-testid="event-filter">
            <option value="">all</option>
            {EVENT_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Contains <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <span className="muted">
          {shown.length} shown, last {LOG_LIMIT} kept
        </span>
      </div>
      <ol className="log" data-testid="event-log" aria-live="off">
        {shown.map((e, i) => (
          <li key={`${e.timestamp}-${i}`} data-event={e.event}>
            <time dateTime={e.timestamp}>{e.timestamp.slice(11, 23)}</time> <b>{e.event}</b> <code>{JSON.stringify(e.data)}</code>
          </li>
        ))}
      </ol>
    </Panel>
  );
}
