import { SAMPLE_RATE } from '../../contract/audio.ts';
import type { Speculate } from './early-transcript.ts';
import { inFollowUp, type SourceState } from './source-state.ts';
import type { VoiceLoopHost } from './voice-loop-host.ts';
import { acousticWake, earlyCommand, phraseVerdict, sttOptions, type WakeJudges } from './wake-decision.ts';

const RATE = SAMPLE_RATE;

/**
 * The voice loop's early transcript (the session's `speculate` hook): the words so far, whether
 * they are complete, and, when they name a command for Kiwi, its reply and the speaker's voice
 * started ahead of the endpoint. With voice.provisional_end a command also gets `sayOnly` (the
 * engine's reply preview had a sentence for it, or not), so the session may end it now.
 */
export function earlyGuess(
  host: VoiceLoopHost,
  judges: WakeJudges,
  state: Pick<SourceState, 'session' | 'awakeFrom' | 'awakeUntil'>,
  ...[samples, utterance, signal]: Parameters<Speculate>
): ReturnType<Speculate> {
  const config = host.config();
  if (acousticWake(config, judges) && !utterance.wake && !inFollowUp(state, utterance.start) && !host.handsFree?.active) return null; // not for Kiwi: not worth the CPU
  return host.stt.transcribe({ samples, sampleRate: RATE }, { ...sttOptions(config, judges, utterance.wake), signal }).then((heard) => {
    // The config and the follow-up window as they are now: either may have changed while the words were transcribed.
    const now = host.config();
    const verdict = phraseVerdict(heard.text, heard.language, now, judges);
    const awake = inFollowUp(state, utterance.start);
    const command = verdict === 'complete' && !signal.aborted ? earlyCommand(heard.text, heard.language, now, judges, { spotted: utterance.wake, awake }) : null;
    if (!command) return { ...heard, verdict };
    const prepared = host.prepareReply?.(command, state.session.sourceId, heard.language);
    host.identifier?.prepare?.({ samples, sampleRate: RATE });
    if (!now.voice.provisional_end) return { ...heard, verdict };
    return Promise.resolve(prepared ?? false).then((sayOnly) => ({ ...heard, verdict, sayOnly }));
  });
}
