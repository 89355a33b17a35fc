import type { Config } from '../../../contract/config.ts';
import type { Clock } from '../../../platform/clock.ts';
import { AudioHub } from '../../audio/audio-hub.ts';
import { EventBus } from '../../events/event-bus.ts';
import { TurnRun } from '../../turns/turn-run.ts';
import type { VoiceLoopHost } from '../voice-loop.ts';
import { EnergyVad } from './energy-vad.ts';

/**
 * A voice loop host for tests: the parts a test looks at are given, the rest are quiet stand-ins
 * (a loudness VAD, a fresh bus and hub, Kiwi never speaking, no cue, no announcement).
 */
export function testLoopHost(
  config: Config,
  clock: Clock,
  parts: Pick<VoiceLoopHost, 'stt' | 'matchWake' | 'respond' | 'result'> & Partial<VoiceLoopHost>,
): VoiceLoopHost {
  const bus = parts.bus ?? new EventBus();
  return {
    config: () => config,
    bus,
    clock,
    newTurn: (source) => new TurnRun({ bus, clock }, 'voice', source),
    hub: new AudioHub(),
    makeVad: () => new EnergyVad(),
    isSpeaking: () => false,
    bargeIn: () => undefined,
    acknowledgeWake: () => undefined,
    announce: async () => undefined,
    ...parts,
  };
}
