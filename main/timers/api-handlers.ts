import type { z } from 'zod';
import type { TimerCreateBody, TimerPatchBody } from '../contract/api.ts';
import { WEEKDAYS } from './language/locale.ts';
import { grammarFor } from './language/grammar.ts';
import { resolveWhen } from './language/resolve.ts';
import { KiwiError, notFound } from '../platform/errors.ts';
import type { Handlers } from '../server/handler-types.ts';
import type { Store } from '../store/store.ts';
import type { TimerService } from './timer-service.ts';
import type { NewItem, TimerItem, TimerKind } from './types.ts';
import { toView } from './view.ts';
import { nextWallTime, wallParts } from './zoned.ts';

export interface TimerApiDeps {
  timers: () => TimerService;
  speakers: Pick<Store['speakers'], 'get'>;
  /** Kiwi's language: the default for `when` and for spoken lines. */
  language: () => string;
}

type TimerRoutes = 'listTimers' | 'createTimer' | 'updateTimer' | 'deleteTimer' | 'snoozeTimer' | 'stopTimers';

const pad = (n: number) => String(n).padStart(2, '0');

interface Timing {
  due_at: number;
  duration_ms: number | null;
  clock: string | null;
  days: number[];
}

/**
 * When an API body says an item is due: exactly one of duration_s, at, time (+days), when.
 * `keepDays`: the weekdays a PATCHed item repeats on, kept when only its `time` changes.
 */
function timingOf(
  body: Pick<z.infer<typeof TimerPatchBody>, 'duration_s' | 'at' | 'time' | 'days' | 'when'>,
  kind: TimerKind,
  language: string,
  service: TimerService,
  keepDays: readonly number[] = [],
): Timing | null {
  const now = service.clock.now();
  const zone = service.timeZone;
  if (body.duration_s !== undefined) {
    if (kind !== 'timer') throw new KiwiError('invalid_request', 'duration_s is for timers; alarms and reminders take at, time or when', 400);
    return { due_at: now + body.duration_s * 1000, duration_ms: body.duration_s * 1000, clock: null, days: [] };
  }
  if (body.at !== undefined) {
    if (kind === 'timer') throw new KiwiError('invalid_request', 'a timer takes duration_s or when', 400);
    const at = Date.parse(body.at);
    const wall = wallParts(at, zone);
    return { due_at: at, duration_ms: null, clock: `${pad(wall.hour)}:${pad(wall.minute)}`, days: [] };
  }
  if (body.time !== undefined) {
    if (kind === 'timer') throw new KiwiError('invalid_request', 'a timer takes duration_s or when', 400);
    const [hour, minute] = body.time.split(':').map(Number) as [number, number];
    const days = body.days ? body.days.map((d) => WEEKDAYS.indexOf(d)).sort() : [...keepDays];
    return { due_at: nextWallTime(hour, minute, days, now, zone), duration_ms: null, clock: body.time, days };
  }
  if (body.when !== undefined) {
    const grammar = grammarFor(language);
    if (kind === 'timer') {
      const ms = grammar.parseDuration(body.when) ?? grammar.parseWhen(body.when)?.relativeMs;
      if (!ms) throw new KiwiError('unparsed_time', `Kiwi could not read '${body.when}' as a duration in ${language}`, 400);
      return { due_at: now + ms, duration_ms: ms, clock: null, days: [] };
    }
    const spec = grammar.parseWhen(body.when);
    if (!spec) throw new KiwiError('unparsed_time', `Kiwi could not read '${body.when}' as a time in ${language}`, 400);
    const resolved = resolveWhen(spec, kind, now, zone);
    if (!resolved.ok) throw new KiwiError(resolved.reason, resolved.reason === 'need_time' ? `'${body.when}' names no time of day` : `'${body.when}' has already passed`, 400);
    return { due_at: resolved.due_at, duration_ms: null, clock: resolved.clock, days: resolved.days };
  }
  return null;
}

/** The REST handlers of /api/timers (main/server/handlers.ts spreads them in). */
export function timerHandlers(deps: TimerApiDeps): Pick<Handlers, TimerRoutes> {
  const view = (item: TimerItem) => toView(item, deps.timers().clock.now());
  return {
    listTimers: () => {
      const service = deps.timers();
      return { items: service.list().map(view), ringing: service.ringing.map((i) => i.id), missed: service.missed.map(view), time_zone: service.timeZone };
    },
    createTimer: ({ body }) => {
      const service = deps.timers();
      const language = body.language ?? deps.language();
      let owner: NewItem['owner'] = null;
      if (body.owner_id) {
        const speaker = deps.speakers.get(body.owner_id);
        if (!speaker) throw notFound('speaker', body.owner_id);
        owner = { id: speaker.id, name: speaker.name };
      }
      const timing = timingOf(body as z.infer<typeof TimerCreateBody>, body.kind, language, service)!;
      const item = service.create({ kind: body.kind, label: body.label ?? null, task: body.task ?? null, owner, language, ...timing });
      return view(item);
    },
    updateTimer: ({ params, body }) => {
      const service = deps.timers();
      const current = service.get(params.timer_id);
      // A new time alone moves a weekday alarm to that time on the same days; it stays recurring.
      const timing = timingOf(body, current.kind, body.language ?? current.language, service, current.days);
      const item = service.update(params.timer_id, {
        ...(body.label !== undefined ? { label: body.label } : {}),
        ...(body.task !== undefined ? { task: body.task } : {}),
        ...(body.language !== undefined ? { language: body.language } : {}),
        ...(timing ?? {}),
      });
      return view(item);
    },
    deleteTimer: ({ params }) => {
      deps.timers().cancel(params.timer_id);
      return { deleted: params.timer_id };
    },
    snoozeTimer: ({ params, body }) => {
      const service = deps.timers();
      const [item] = service.snooze([params.timer_id], body.minutes !== undefined ? body.minutes * 60_000 : undefined);
      return view(item!);
    },
    stopTimers: ({ body }) => ({ stopped: deps.timers().stopRinging('api', body.ids).map((i) => i.id) }),
  };
}
