import type { z } from 'zod';
import { TimerCreateBody, type Weekday as WeekdaySchema } from '../../../../main/contract/api.ts';

export type Weekday = z.infer<typeof WeekdaySchema>;

export type TimerKind = 'timer' | 'alarm' | 'reminder';
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The create form as typed: strings as the inputs hold them. */
export interface TimerForm {
  kind: TimerKind;
  hours: string;
  minutes: string;
  seconds: string;
  /** HH:MM from <input type="time"> (alarms and reminders) */
  time: string;
  days: Weekday[];
  /** Instead of the fields above: "tomorrow at 7:30", "in 20 minutes" (Kiwi reads it). */
  when: string;
  label: string;
  task: string;
}

export const emptyTimerForm = (): TimerForm => ({ kind: 'timer', hours: '', minutes: '5', seconds: '', time: '', days: [], when: '', label: '', task: '' });

const whole = (v: string) => (v.trim() === '' ? 0 : Number(v));

/**
 * The POST /api/timers body for the form, checked with the contract's own schema, so the page
 * says exactly what the server would refuse. `errors` is keyed by the form's field names.
 */
export function timerBody(form: TimerForm): { body: z.input<typeof TimerCreateBody> | null; errors: Partial<Record<keyof TimerForm | 'form', string>> } {
  const errors: Partial<Record<keyof TimerForm | 'form', string>> = {};
  const body: Record<string, unknown> = { kind: form.kind };
  if (form.label.trim()) body.label = form.label.trim();
  if (form.kind === 'reminder') {
    if (form.task.trim()) body.task = form.task.trim();
    else errors.task = 'a reminder needs something to remind you of';
  }
  if (form.when.trim()) body.when = form.when.trim();
  else if (form.kind === 'timer') {
    const parts = [form.hours, form.minutes, form.seconds].map(whole);
    if (parts.some((n) => !Number.isInteger(n) || n < 0)) errors.minutes = 'hours, minutes and seconds are whole numbers';
    else {
      const total = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
      if (total < 1) errors.minutes = 'give a duration';
      else body.duration_s = total;
    }
  } else if (/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(form.time)) {
    body.time = form.time;
    if (form.days.length > 0) body.days = WEEKDAYS.filter((d) => form.days.includes(d));
  } else errors.time = 'give a time of day (or say when in words)';
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const parsed = TimerCreateBody.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = (issue.path[0] === 'duration_s' ? 'minutes' : issue.path[0] ?? 'form') as keyof TimerForm | 'form';
      errors[key in emptyTimerForm() || key === 'form' ? key : 'form'] ??= issue.message;
    }
    return { body: null, errors };
  }
  return { body: body as z.input<typeof TimerCreateBody>, errors };
}
