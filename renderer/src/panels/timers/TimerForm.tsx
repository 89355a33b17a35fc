import { useState, type FormEvent, type ReactNode } from 'react';
import { useClient } from '../../client/client-context.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { emptyTimerForm, timerBody, WEEKDAYS, type TimerForm, type TimerKind } from './timer-form.ts';

const KINDS: Array<{ kind: TimerKind; label: string }> = [
  { kind: 'timer', label: 'Timer' },
  { kind: 'alarm', label: 'Alarm' },
  { kind: 'reminder', label: 'Reminder' },
];

/** A labelled input with its error announced and tied to it. */
function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-error` : undefined })}
      {error && (
        <span id={`${id}-error`} className="inline-error small">
          {error}
        </span>
      )}
    </div>
  );
}

/** Set a timer (a duration), an alarm or a reminder (a time of day, optionally repeating, or "when" in words). */
export function TimerFormView() {
  const client = useClient();
  const [form, setForm] = useState<TimerForm>(emptyTimerForm);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useAction();
  const checked = timerBody(form);
  const errors = touched ? checked.errors : {};
  const set = <K extends keyof TimerForm>(key: K, value: TimerForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const input = (key: 'hours' | 'minutes' | 'seconds' | 'time' | 'when' | 'label' | 'task', type = 'text') =>
    function Input(props: { id: string }) {
      return <input {...props} type={type} min={type === 'number' ? 0 : undefined} value={form[key]} onChange={(e) => set(key, e.target.value)} />;
    };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const body = checked.body;
    if (!body) return;
    void run(async () => {
      await client.call('createTimer', { body });
      setForm({ ...emptyTimerForm(), kind: form.kind });
      setTouched(false);
    });
  };

  const noun = KINDS.find((k) => k.kind === form.kind)!.label.toLowerCase();
  return (
    <form className="timer-form" onSubmit={submit} aria-label="Set a timer, alarm or reminder" noValidate>
      <h3>New {noun}</h3>
      <fieldset>
        <legend>Kind</legend>
        {KINDS.map(({ kind, label }) => (
          <label key={kind} className="check">
            <input type="radio" name="timer-kind" value={kind} checked={form.kind === kind} onChange={() => set('kind', kind)} /> {label}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>When</legend>
        {form.kind === 'timer' ? (
          <>
            <Field id="timer-hours" label="Hours">{input('hours', 'number')}</Field>
            <Field id="timer-minutes" label="Minutes" error={errors.minutes}>{input('minutes', 'number')}</Field>
            <Field id="timer-seconds" label="Seconds">{input('seconds', 'number')}</Field>
          </>
        ) : (
          <>
            <Field id="timer-time" label="Time of day" error={errors.time}>{input('time', 'time')}</Field>
            <div className="field">
              <span>Repeat on (none: once)</span>
              <div className="days" role="group" aria-label="Repeat on">
                {WEEKDAYS.map((day) => (
                  <label key={day} className="check">
                    <input
                      type="checkbox"
                      checked={form.days.includes(day)}
                      onChange={(e) => set('days', e.target.checked ? [...form.days, day] : form.days.filter((d) => d !== day))}
                    />
                    {day}
                  </label>
                ))}
              </div>
            </div>
          </>
        )}
        <Field id="timer-when" label="…or in words (e.g. tomorrow at 7:30)" error={errors.when}>{input('when')}</Field>
      </fieldset>
      <div className="row">
        {form.kind === 'reminder' && <Field id="timer-task" label="Remind me to" error={errors.task}>{input('task')}</Field>}
        <Field id="timer-label" label="Label (optional)" error={errors.label}>{input('label')}</Field>
      </div>
      <InlineError error={errors.form ?? error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Set {noun}
        </button>
      </div>
    </form>
  );
}
