import { useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';

/** What /api/status says, including which engine parts are missing and why. */
export function StatusPanel() {
  const status = useDashboard((s) => s.data.status);
  if (!status) return <Panel id="status" title="Status">Loading…</Panel>;
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
        <dd>{status.listening ? 'on' : 'off'}</dd>
        <dt>Voice</dt>
        <dd>{status.tts_provider}</dd>
        <dt>Home Assistant</dt>
        <dd>{status.homeassistant_connected ? 'connected' : 'not connected'}</dd>
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
