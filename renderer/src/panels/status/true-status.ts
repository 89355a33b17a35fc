import type { Status } from '../../../../main/contract/api.ts';

/** The part's line in `missing` (`vad: why`), without the part's name, or null when it is there. */
export function missingReason(status: Status, part: string): string | null {
  const line = status.missing.find((l) => l.startsWith(`${part}:`));
  return line === undefined ? null : line.slice(part.length + 1).trim();
}

/** The voice that speaks now and the one config asks for (they differ when that one is not installed). */
export function voiceOf(status: Status): { speaking: string; configured: string } {
  return { speaking: status.tts_provider, configured: status.tts_configured };
}

/** `listening` is false while no speech detector or recognizer is installed: say so rather than a bare "off". */
export function listeningLabel(status: Status): string {
  if (status.listening) return 'on';
  if (missingReason(status, 'vad') !== null) return 'off (no speech detector yet)';
  return missingReason(status, 'stt') !== null ? 'off (no speech recognition yet)' : 'off';
}
