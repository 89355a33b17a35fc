import type { Status } from '../../../../main/contract/api.ts';
import { useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';
import { listeningLabel, voiceOf } from './true-status.ts';

/** What /api/status says, including which engine parts are missing and why. */
export function StatusPanel() {
  const status = useDashboard((s) => s.data.status);
  if (!status) return <Panel id="status" title="Status">Loading…</Panel>;
  const voice = voiceOf(status);
  return (
    <Panel id="status" title="Status">
      <dl>
        <dt>Language</dt>
        <dd data-testid="status-language">{status.language}</dd>
        <dt>Soul</dt>
        <dd data-testid="status-soul">{status.active_soul}</dd>
        <dt>Speaker</dt>
        <dd>{status.active_speaker ?? '—'}</dd>
        <dt>Listening</dt>
        <dd data-testid="status-listening">
          {listeningLabel(status)}
        </dd>
        <dt>Voice</dt>
        <dd data-testid="status-voice">
          {voice.speaking}
          {voice.speaking !== voice.configured && <span className="muted"> (configured: {voice.configured}, not installed)</span>}
        </dd>
        <dt>Home Assistant</dt>
        <dd>{status.homeassistant_connected ? 'connected' : 'not connected'}</dd>
        {status.openclaw && (
          <>
            <dt>OpenClaw</dt>
            <dd data-testid="status-openclaw">
              <OpenClawLine pairing={status.openclaw} />
            </dd>
          </>
        )}
        <dt>Browser microphones</dt>
        <dd data-testid="status-web-audio">{status.web_audio_clients}</dd>
        <dt>Up for</dt>
        <dd>{Math.floor(status.uptime_seconds / 60)} min</dd>
      </dl>
      {status.missing.length > 0 && (
        <details>
          <summary>{status.missing.length === 1 ? "1 part is" : `${status.missing.length} parts are`} not available</summary>
          <ul className="small">
            {status.missing.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      )}
    </Panel>
  );
}

const OPENCLAW_STATES: Record<NonNullable<Status['openclaw']>['state'], string> = {
  idle: 'not connected yet',
  connecting: 'connecting…',
  connected: 'connected',
  pairing_required: 'waiting for approval',
  refused: 'refused (check the gateway token)',
  unreachable: 'unreachable',
};

/** The gateway link; when the gateway waits for the owner, how to approve Kiwi there. */
function OpenClawLine({ pairing }: { pairing: NonNullable<Status['openclaw']> }) {
  if (pairing.state !== 'pairing_required') return <>{OPENCLAW_STATES[pairing.state]}</>;
  return (
    <>
      <strong>Approve Kiwi in OpenClaw</strong>: on the gateway host run <code>openclaw devices approve {pairing.request_id ?? '--latest'}</code>, or approve device{' '}
      <code title={pairing.device_id ?? ''}>{pairing.device_id?.slice(0, 12) ?? 'Kiwi'}</code> on the Control UI&apos;s Devices page.
    </>
  );
}
