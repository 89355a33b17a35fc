import { z } from 'zod';
import * as api from './api.ts';
import { route } from './route-spec.ts';

/** Timers, alarms and reminders. */
export const timerRoutes = {
  listTimers: route({ method: 'get', path: '/api/timers', scope: 'read', summary: 'Timers, alarms and reminders, soonest first, and what is ringing', response: api.TimerList, errors: [] }),
  createTimer: route({
    method: 'post',
    path: '/api/timers',
    scope: 'control',
    summary: 'Set a timer (duration_s), an alarm or a reminder (at, time [+ days], or a spoken-style `when`)',
    body: api.TimerCreateBody,
    response: api.TimerItem,
    status: 201,
    errors: [404, 409],
  }),
  updateTimer: route({
    method: 'patch',
    path: '/api/timers/{timer_id}',
    scope: 'control',
    summary: 'Change the label, task or time of a timer, alarm or reminder (a ringing one stops ringing)',
    params: api.TimerParams,
    body: api.TimerPatchBody,
    response: api.TimerItem,
    errors: [404],
  }),
  deleteTimer: route({
    method: 'delete',
    path: '/api/timers/{timer_id}',
    scope: 'control',
    summary: 'Cancel a timer, alarm or reminder',
    params: api.TimerParams,
    response: z.object({ deleted: api.TimerId }),
    errors: [404],
  }),
  snoozeTimer: route({
    method: 'post',
    path: '/api/timers/{timer_id}/snooze',
    scope: 'control',
    summary: 'Snooze a ringing item (default 10 minutes)',
    params: api.TimerParams,
    body: api.TimerSnoozeBody,
    response: api.TimerItem,
    errors: [404, 409],
  }),
  stopTimers: route({
    method: 'post',
    path: '/api/timers/stop',
    scope: 'control',
    summary: 'Stop ringing (everything, or the given ids): one-off items are done, recurring alarms wait for their next time',
    body: api.TimerStopBody,
    response: api.TimersStopped,
    errors: [],
  }),
} as const;
