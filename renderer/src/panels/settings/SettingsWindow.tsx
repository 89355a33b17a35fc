import { useEffect, useState } from 'react';
import type { KiwiDesktopApi } from '../../../../main/desktop/ipc-contract.ts';
import { useClient } from '../../client/client-context.ts';
import { errorText } from '../../client/kiwi-client.ts';
import { useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';
import { DevicePicker, MicrophoneTest } from '../microphone/DevicePicker.tsx';
import { SpeakersPanel } from '../speakers/SpeakersPanel.tsx';
import { SoulEditor } from './SoulEditor.tsx';

/** Start at login and a way back to the dashboard: the shell's own settings. */
function AppPanel({ desktop }: { desktop: KiwiDesktopApi }) {
  const [atLogin, setAtLogin] = useState<boolean | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    desktop.shell.getStartAtLogin().then(setAtLogin, (err: unknown) => setError(errorText(err)));
  }, [desktop]);
  const toggle = (on: boolean) => desktop.shell.setStartAtLogin(on).then(setAtLogin, (err: unknown) => setError(errorText(err)));
  return (
    <Panel id="app" title="App">
      {atLogin === null ? (
        <p className="muted">Start at login is not available on this system.</p>
      ) : (
        <label className="check">
          <input type="checkbox" disabled={atLogin === undefined} checked={atLogin ?? false} onChange={(e) => void toggle(e.target.checked)} />
          Start Kiwi when I log in (in the tray, without a window)
        </label>
      )}
      {error && <p role="alert" className="inline-error">{error}</p>}
      <p>
        <button type="button" onClick={() => void desktop.shell.openWindow('dashboard', 'settings')}>All settings in the dashboard…</button>
      </p>
    </Panel>
  );
}

/** This computer's microphone and speaker for the desktop app: its hidden audio window follows the choice. */
function DevicesPanel() {
  return (
    <Panel id="devices" title="Microphone and speaker">
      <DevicePicker idPrefix="desktop" />
      <MicrophoneTest idPrefix="desktop" />
    </Panel>
  );
}

/** The desktop settings window: souls (create/edit), speakers, sound devices, and the app itself. */
export function SettingsWindow({ desktop }: { desktop: KiwiDesktopApi }) {
  const client = useClient();
  const { checkAuth, load, receive, setConnected, error, setError } = useDashboard();
  useEffect(() => {
    checkAuth(client).catch((err: unknown) => setError(errorText(err)));
    void load(client, ['souls', 'speakers', 'config']);
    return client.onEvent((event) => receive(client, event), setConnected);
  }, [client, checkAuth, load, receive, setConnected, setError]);

  return (
    <main className="settings-window" aria-label="Kiwi settings">
      {error && (
        <div role="alert" className="banner">
          {error}{' '}
          <button type="button" onClick={() => setError(null)} aria-label="Dismiss the error">×</button>
        </div>
      )}
      <DevicesPanel />
      <SoulEditor />
      <SpeakersPanel />
      <AppPanel desktop={desktop} />
    </main>
  );
}
