import { describe, expect, it } from 'vitest';
import { formatLeft, spokenLeft } from './countdown.ts';
import { emptyTimerForm, timerBody } from './timer-form.ts';

describe('timer form', () => {
  it('builds a timer from hours, minutes and seconds', () => {
    expect(timerBody({ ...emptyTimerForm(), hours: '1', minutes: '2', seconds: '5', label: ' pasta ' })).toEqual({
      body: { kind: 'timer', duration_s: 3725, label: 'pasta' },
      errors: {},
    });
  });

  it('builds a repeating alarm and a reminder at a time of day, days in week order', () => {
    const alarm = timerBody({ ...emptyTimerForm(), kind: 'alarm', time: '07:30', days: ['fri', 'mon'] });
    expect(alarm.body).toEqual({ kind: 'alarm', time: '07:30', days: ['mon', 'fri'] });
    const reminder = timerBody({ ...emptyTimerForm(), kind: 'reminder', when: 'tomorrow at 9', task: 'call mum' });
    expect(reminder.body).toEqual({ kind: 'reminder', when: 'tomorrow at 9', task: 'call mum' });
  });

  it('says what is missing or wrong, next to the field', () => {
    expect(timerBody({ ...emptyTimerForm(), minutes: '' }).errors).toEqual({ minutes: 'give a duration' });
    expect(timerBody({ ...emptyTimerForm(), minutes: '1.5' }).errors.minutes).toMatch(/whole numbers/);
    expect(timerBody({ ...emptyTimerForm(), kind: 'reminder', time: '09:00' }).errors).toEqual({ task: expect.stringMatching(/remind/) });
    expect(timerBody({ ...emptyTimerForm(), kind: 'alarm' }).errors.time).toMatch(/time of day/);
    // The contract's own limits: a timer is at most 48 hours, a label at most 60 characters.
    expect(timerBody({ ...emptyTimerForm(), hours: '49' }).errors.minutes).toBeDefined();
    expect(timerBody({ ...emptyTimerForm(), label: 'x'.repeat(61) }).errors.label).toBeDefined();
  });

  it('counts down in a compact form and in words', () => {
    expect(formatLeft(75_000)).toBe('1:15');
    expect(formatLeft(3_725_000)).toBe('1:02:05');
    expect(formatLeft(2 * 86_400_000 + 3 * 3_600_000)).toBe('2 d 3 h');
    expect(formatLeft(-5000)).toBe('0:00');
    expect(formatLeft(400)).toBe('0:01');
    expect(spokenLeft(3_661_000)).toBe('1 hour 1 minute 1 second');
    expect(spokenLeft(0)).toBe('0 seconds');
  });
});
