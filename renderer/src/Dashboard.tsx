import { useEffect, useRef, type ReactNode } from 'react';
import { useMic } from './audio/mic-store.ts';
import { useClient, useShell } from './client/client-context.ts';
import { ApprovalsNotice, ApprovalsPanel } from './panels/approvals/ApprovalsPanel.tsx';
import { ConfigEditor } from './panels/config/ConfigEditor.tsx';
import { ConversationPanel } from './panels/conversation/ConversationPanel.tsx';
import { EventLog } from './panels/event-log/EventLog.tsx';
import { HomeAssistantPanel } from './panels/homeassistant/HomeAssistantPanel.tsx';
import { IntegrationsPanel } from './panels/integrations/IntegrationsPanel.tsx';
import { LanguagePanel } from './panels/language/LanguagePanel.tsx';
import { MemoryPanel } from './panels/memory/MemoryPanel.tsx';
import { MicrophonePanel } from './panels/microphone/MicrophonePanel.tsx';
import { ModelsPanel } from './panels/models/ModelsPanel.tsx';
import { ControlsPanel } from './panels/overview/ControlsPanel.tsx';
import { FirstRunPanel } from './panels/overview/FirstRunPanel.tsx';
import { SoulEditor } from './panels/settings/SoulEditor.tsx';
import './panels/settings/settings.css';
import { SoulsPanel } from './panels/souls/SoulsPanel.tsx';
import { SpeakersPanel } from './panels/speakers/SpeakersPanel.tsx';
import { StateOrb } from './panels/state-orb/StateOrb.tsx';
import { StatusPanel } from './panels/status/StatusPanel.tsx';
import { TimersPanel } from './panels/timers/TimersPanel.tsx';
import { useConversation } from './store/conversation.ts';
import { useDashboard } from './store/dashboard.ts';
import { RESOURCE_NAMES } from './store/resources.ts';
import { useHashRoute } from './ui/hash-route.ts';

// `desktop`: the desktop app's hidden audio window owns the microphone; a second capture here would fight it.
const VIEWS: Array<{ id: string; title: string; render: (desktop: boolean) => ReactNode }> = [
  {
    id: 'overview',
    title: 'Overview',
    render: (desktop) => (<><ApprovalsNotice /><ControlsPanel /><FirstRunPanel /><StatusPanel />{!desktop && <MicrophonePanel />}<EventLog /></>),
  },
  { id: 'conversation', title: 'Conversation', render: () => <ConversationPanel /> },
  { id: 'approvals', title: 'Approvals', render: () => <ApprovalsPanel /> },
  { id: 'timers', title: 'Timers', render: () => <TimersPanel /> },
  { id: 'souls', title: 'Souls', render: () => (<><SoulsPanel /><SoulEditor title="Edit souls" /></>) },
  { id: 'speakers', title: 'Speakers', render: () => <SpeakersPanel /> },
  { id: 'memory', title: 'Memory', render: () => <MemoryPanel /> },
  { id: 'models', title: 'Models', render: () => <ModelsPanel /> },
  { id: 'settings', title: 'Settings', render: () => (<><LanguagePanel /><ConfigEditor /></>) },
  { id: 'homeassistant', title: 'Home Assistant', render: () => (<><HomeAssistantPanel /><IntegrationsPanel /></>) },
];

/** The signed-in dashboard: loads every panel's data, follows the event stream, shows one view at a time. */
export function Dashboard() {
  const client = useClient();
  const { auth, error, load, receive, setConnected, setError, signedOut, checkAuth } = useDashboard();
  const { desktop } = useShell();
  const route = useHashRoute('overview');
  const view = VIEWS.find((v) => v.id === route) ?? VIEWS[0]!;

  // A view chosen in the navigation takes the focus to it: a screen reader says which view it is,
  // and the next Tab goes into it, not through the navigation again. Not on page load.
  const main = useRef<HTMLElement>(null);
  const shownView = useRef(view.id);
  useEffect(() => {
    if (shownView.current === view.id) return;
    shownView.current = view.id;
    main.current?.focus();
  }, [view.id]);

  useEffect(() => {
    void load(client, RESOURCE_NAMES);
    return client.onEvent((event) => {
      receive(client, event);
      // The kept conversation, on page load and after every reconnect (turns missed meanwhile); live events continue it.
      if (event.event === 'CONNECTED') {
        void useConversation.getState().loadHistory(client);
        useMic.getState().kiwiIsBack(client);
      }
      // The transcript folds TURN_FINISHED (and its LLM_COMPLETE) into turns, with the soul active now.
      useConversation.getState().receive(event, useDashboard.getState().data.status?.active_soul ?? null);
    }, setConnected);
  }, [client, load, receive, setConnected]);

  const signOut = () => {
    void client.call('logout').then(
      () => {
        signedOut();
        return checkAuth(client);
      },
      (err: Error) => setError(err.message),
    );
  };

  return (
    <div className="app">
      <header className="top">
        {/* The first Tab stop: past the navigation straight to the view (visible while focused). */}
        <a
          className="skip-link"
          href={`#/${view.id}`}
          onClick={(e) => {
            e.preventDefault();
            main.current?.focus();
          }}
        >
          Skip to the {view.title} view
        </a>
        <h1>Kiwi</h1>
        <StateOrb />
        <span className="grow" />
        {auth?.auth_enabled && (
          <>
            <span className="muted small" data-testid="signed-in-as">
              {auth.name} ({auth.scopes.join(', ')})
            </span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </>
        )}
      </header>
      <nav aria-label="Views">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <a href={`#/${v.id}`} aria-current={v.id === view.id ? 'page' : undefined}>
                {v.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="view" aria-label={view.title} ref={main} tabIndex={-1}>
        {error && (
          <div role="alert" className="banner">
            {error}{' '}
            <button type="button" onClick={() => setError(null)} aria-label="Dismiss the error">
              ×
            </button>
          </div>
        )}
        {view.render(desktop)}
      </main>
    </div>
  );
}
