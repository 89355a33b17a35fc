import type { Answer } from '../../client/kiwi-client.ts';
import { useClient } from '../../client/client-context.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { formatLeft, spokenLeft } from './countdown.ts';

type TimerItem = Answer<'listTimers'>['items'][number];

const KIND_NAMES = { timer: 'Timer', alarm: 'Alarm', reminder: 'Reminder' } as const;

/** "pasta timer", "Reminder: call mum", "Alarm 07:30". */
export function timerTitle(item: Pick<TimerItem, 'kind' | 'label' | 'task' | 'time'>): string {
  const what = item.kind === 'reminder' ? item.task : item.label;
  if (what) return item.label && item.kind === 'reminder' ? `${item.label}: ${what}` : what;
  return item.time ? `${KIND_NAMES[item.kind]} ${item.time}` : KIND_NAMES[item.kind];
}

/**
 * What the row's buttons act on, for their names ("Stop ringing the pasta timer"): every row has
 * the same buttons, so a screen reader listing them must hear which timer each one is for.
 */
function timerPhrase(item: TimerItem, title: string): string {
  if (item.kind === 'reminder') return `the reminder “${title}”`;
  if (item.label) return `the ${item.label} ${item.kind}`;
  if (item.kind === 'alarm') return item.time ? `the ${item.time} alarm` : 'the alarm';
  return item.duration_s ? `the timer of ${spokenLeft(item.duration_s * 1000)}` : 'the timer';
}

/** One timer, alarm or reminder: a live countdown (or how long it has rung), and what can be done with it now. */
export function TimerRow({ item, now, timeZone, canControl, onCancelled }: { item: TimerItem; now: number; timeZone: string; canControl: boolean; onCancelled(): void }) {
  const client = useClient();
  const { busy, error, run } = useAction();
  const params = { timer_id: item.id };
  const ringing = item.state === 'ringing';
  const left = Date.parse(item.next_at) - now;
  const rungFor = item.ringing_since ? now - Date.parse(item.ringing_since) : 0;
  const locked = busy || !canControl;
  const title = timerTitle(item);
  const phrase = timerPhrase(item, title);

  return (
    <li className={`card timer${ringing ? ' ringing' : ''}`} data-testid={`timer-${item.id}`} data-state={item.state} aria-label={`${KIND_NAMES[item.kind]}: ${title}`}>
      <div className="card-title">
        <span className="badge">{KIND_NAMES[item.kind]}</span>
        <strong>{title}</strong>
        {ringing && <span className="badge ringing-badge">ringing</span>}
        {item.state === 'snoozed' && <span className="badge">snoozed</span>}
        {item.recurring && <span className="badge" title="repeats">{item.days.join(' ')}</span>}
      </div>
      {ringing ? (
        <p className="time-left" role="timer" aria-label={`ringing for ${spokenLeft(rungFor)}`} data-testid="time-left">
          ringing for {formatLeft(rungFor)}
        </p>
      ) : (
        <p className="time-left" role="timer" aria-label={`${spokenLeft(left)} left`} data-testid="time-left">
          {formatLeft(left)}
        </p>
      )}
      <p className="muted small">
        {item.state === 'snoozed' ? 'snoozed until' : 'due'} {new Date(item.next_at).toLocaleString()}
        {item.time && ` (${item.time} ${timeZone})`}
        {item.owner_name && ` · for ${item.owner_name}`}
      </p>
      <div className="row">
        {ringing && (
          <>
            <button type="button" className="primary" disabled={locked} onClick={() => void run(() => client.call('stopTimers', { body: { ids: [item.id] } }))} aria-label={`Stop ringing ${phrase}`}>
              Stop ringing
            </button>
            <button type="button" disabled={locked} onClick={() => void run(() => client.call('snoozeTimer', { params, body: { minutes: 10 } }))} aria-label={`Snooze 10 min: ${phrase}`}>
              Snooze 10 min
            </button>
          </>
        )}
        <button type="button" disabled={locked} onClick={() => void run(() => client.call('deleteTimer', { params })).then((ok) => ok && onCancelled())} aria-label={`Cancel ${phrase}`}>
          Cancel
        </button>
      </div>
      <InlineError error={error} />
    </li>
  );
}
