import { useMic } from '../../audio/mic-store.ts';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { DevicePicker, MicrophoneTest } from './DevicePicker.tsx';
import { LevelMeter } from './LevelMeter.tsx';

/** The last value of `field` in the newest event named `name`. */
function useLastEventText(name: string, field: string): string | null {
  return useDashboard((s) => {
    const event = s.events.find((e) => e.event === name);
    const value = event?.data[field];
    return typeof value === 'string' ? value : null;
  });
}

/** Talk to Kiwi from this browser: the microphone streams to /api/audio, replies play here. */
export function MicrophonePanel() {
  const client = useClient();
  const mic = useMic();
  const canControl = useCan('control');
  const heard = useLastEventText('SPEECH_RECOGNIZED', 'transcript');
  const said = useLastEventText('TTS_STARTED', 'text');
  const on = mic.status === 'on';

  return (
    <Panel id="microphone" title="Microphone">
      <div className="row">
        <button
          type="button"
          className="primary"
          aria-pressed={on}
          disabled={mic.status === 'starting' || (!on && !canControl)}
          title={canControl ? undefined : 'needs the control scope'}
          onClick={() => void (on ? mic.stop() : mic.start(client))}
          data-testid="mic-toggle"
        >
          {mic.status === 'starting' ? 'Starting…' : on ? 'Stop microphone' : 'Start microphone'}
        </button>
        <button type="button" aria-pressed={mic.muted} onClick={() => mic.setMuted(!mic.muted)} disabled={!on}>
          Mute
        </button>
        <button type="button" onClick={mic.stopSpeaking} disabled={!on}>
          Stop speaking
        </button>
        <span data-testid="mic-status" className="muted" data-frames={mic.framesSent} data-samples={mic.samplesSent}>
          {on ? (mic.muted ? 'muted (replies still play)' : `streaming ${mic.inputRate ?? '?'} Hz → 16 kHz, ${mic.framesSent} frames sent`) : 'off'}
        </span>
      </div>
      <LevelMeter db={on ? mic.levelDb : -100} />
      {on && mic.deviceLabel && <p className="muted small" data-testid="mic-device">Listening on: {mic.deviceLabel}</p>}
      <InlineError error={mic.error} />
      <DevicePicker />
      {!on && <MicrophoneTest />}
      <dl>
        <dt>You said</dt>
        <dd data-testid="transcript">{heard ?? '—'}</dd>
        <dt>Kiwi said</dt>
        <dd data-testid="reply-text">{said ?? '—'}</dd>
        <dt>Reply audio</dt>
        <dd data-testid="reply-audio" data-replies={mic.repliesPlayed} data-samples={mic.replySamples}>
          {mic.speaking ? 'playing…' : `${mic.repliesPlayed} played`}
        </dd>
      </dl>
    </Panel>
  );
}
