import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '../App.tsx';
import { useMic } from '../audio/mic-store.ts';
import { ClientContext, ShellContext } from '../client/client-context.ts';
import { SettingsWindow } from '../panels/settings/SettingsWindow.tsx';
import { useDashboard } from '../store/dashboard.ts';
import { followListening } from './audio-follower.ts';
import { createIpcClient, desktopApi } from './ipc-client.ts';
import '../styles.css';
import '../panels/settings/settings.css';

/** The hidden audio window's one line (for a look with the dev tools): the microphone's state and device. */
function AudioWindowStatus() {
  const { status, deviceLabel, error } = useMic();
  return (
    <p data-testid="audio-window" data-status={status} data-device={deviceLabel ?? ''}>
      Kiwi audio: {status}
      {deviceLabel ? ` on ${deviceLabel}` : ''}
      {error ? ` (${error})` : ''}
    </p>
  );
}

/**
 * The desktop windows' entry (desktop.html?window=dashboard|settings|audio): the same panels as
 * the browser dashboard, talking to Kiwi through the preload API instead of HTTP.
 */
const root = createRoot(document.getElementById('root')!);
const desktop = desktopApi();
const DESKTOP_SHELL = { desktop: true };
const which = new URLSearchParams(location.search).get('window') ?? 'dashboard';

if (!desktop) {
  root.render(<p role="alert">This page belongs to the Kiwi desktop app; open the dashboard from `kiwi serve` in a browser instead.</p>);
} else {
  const client = createIpcClient(desktop, () => {
    const { signedOut, checkAuth } = useDashboard.getState();
    signedOut();
    void checkAuth(client);
  });
  if (which === 'audio') {
    // Hidden: the microphone and speaker follow Kiwi's listening switch (and the devices picked in the settings).
    followListening(client, () => useMic.getState());
    root.render(<AudioWindowStatus />);
  } else {
    document.title = which === 'settings' ? 'Kiwi Settings' : 'Kiwi';
    root.render(
      <StrictMode>
        <ClientContext.Provider value={client}>
          {/* The hidden audio window owns the microphone: the dashboard here shows no Microphone panel. */}
          <ShellContext.Provider value={DESKTOP_SHELL}>{which === 'settings' ? <SettingsWindow desktop={desktop} /> : <App />}</ShellContext.Provider>
        </ClientContext.Provider>
      </StrictMode>,
    );
  }
}
