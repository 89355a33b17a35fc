import type { Status } from '../../../../main/contract/api.ts';

/**
 * What Kiwi really does, read from /api/status whichever server answers: newer servers report the
 * voice that speaks in `tts_provider` and the configured one in `tts_configured`, and `listening`
 * false while no speech detector is there; older ones report the configured voice and the
 * fallback separately. Both read the same here.
 */
type AnyStatus = Status & { tts_configured?: string };

/** The part's line in `missing` (`vad: why`), without the part's name, or null when it is there. */
export function missingReason(status: Status, part: string): string | null {
  const line = status.missing.find((l) => l.startsWith(`${part}:`));
  return line === undefined ? null : line.slice(part.length + 1).trim();
}

/** The voice that speaks now and the one config asks for (they differ when that one is not installed). */
export function voiceOf(status: AnyStatus): { speaking: string; configured: string } {
  if (status.tts_configured !== undefined) return { speaking: status.tts_provider, configured: status.tts_configured };
  const fallback = status.fallbacks.find((f) => f.stage === 'tts');
  return { speaking: fallback?.used ?? status.tts_provider, configured: status.tts_provider };
}

/** Listening really happens only with a speech detector; `listening` alone is the switch. */
export function listeningOf(status: Status): boolean {
  return status.listening && missingReason(status, 'vad') === null;
}
