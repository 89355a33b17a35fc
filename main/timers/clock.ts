import { KiwiError } from '../platform/errors.ts';

export { type Clock, sleep, systemClock } from '../platform/clock.ts';

/** The system's IANA time zone (what Intl resolves for this process). */
export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** True when Intl knows the zone name ('Europe/Berlin', 'UTC'); 'system' is not a zone. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

/** The zone config.clock.time_zone names: 'system' follows the machine, anything else must be a known zone. */
export function resolveTimeZone(setting: string): string {
  if (setting === 'system') return systemTimeZone();
  if (!isTimeZone(setting)) throw new KiwiError('invalid_time_zone', `Unknown time zone '${setting}'`, 400);
  return setting;
}
