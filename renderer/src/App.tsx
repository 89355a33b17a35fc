import { useEffect } from 'react';
import type { KiwiClient } from './client/kiwi-client.ts';
import { needsRefresh, useDashboard } from './store.ts';

export function App({ client }: { client: KiwiClient }) {
  const { connected, status, souls, events, error, refresh, receive, setConnected, setError } = useDashboard();

  useEffect(() => {
    const load = () => refresh(client).catch((err: Error) => setError(err.message));
    void load();
    return client.onEvent((event) => {
      receive(event);
      if (needsRefresh(event)) void load();
    }, setConnected);
  }, [client, refresh, receive, setConnected, setError]);

  const switchSoul = (id: string) => {
    client.switchSoul(id).then(() => setError(null), (err: Error) => setError(err.message));
  };

  return (
    <main>
      <header>
        <h1>Kiwi</h1>
        <span className={`orb orb-${(status?.state ?? 'offline').toLowerCase()}`} aria-hidden="true" />
        <span role="status" data-testid="state">
          {connected ? (status?.state ?? '…') : 'disconnected'}
        </span>
      </header>
      {error && <p role="alert">{error}</p>}
      <section aria-labelledby="status-h">
        <h2 id="status-h">Status</h2>
        {status && (
          <dl>
            <dt>Language</dt>
            <dd>{status.language}</dd>
            <dt>Soul</dt>
            <dd>{status.active_soul}</dd>
            <dt>Home Assistant</dt>
            <dd>{status.homeassistant_connected ? 'connected' : 'not connected'}</dd>
            <dt>Not available</dt>
            <dd>
              <ul>
                {status.missing.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="souls-h">
        <h2 id="souls-h">Souls</h2>
        <div className="souls">
          {souls?.souls.map((soul) => (
            <button key={soul.id} aria-pressed={soul.active} onClick={() => switchSoul(soul.id)}>
              <strong>{soul.name}</strong>
              {soul.nsfw && <em> 18+</em>}
              <span>{soul.description}</span>
            </button>
          ))}
        </div>
      </section>
      <section aria-labelledby="log-h">
        <h2 id="log-h">Events</h2>
        <ol className="log" data-testid="event-log">
          {events.map((e, i) => (
            <li key={`${e.timestamp}-${i}`}>
              <time>{e.timestamp.slice(11, 23)}</time> <b>{e.event}</b> <code>{JSON.stringify(e.data)}</code>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}
