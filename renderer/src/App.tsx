import { useEffect } from 'react';
import { useClient } from './client/client-context.ts';
import { errorText } from './client/kiwi-client.ts';
import { retryUntilDone } from './client/retry.ts';
import { Dashboard } from './Dashboard.tsx';
import { SignIn } from './panels/auth/SignIn.tsx';
import { useDashboard } from './store/dashboard.ts';

/**
 * Asks Kiwi whether auth is on and what this browser may do: a signed-out browser gets the
 * sign-in form; with auth off (loopback, the desktop app) the dashboard opens directly.
 */
export function App() {
  const client = useClient();
  const auth = useDashboard((s) => s.auth);
  const error = useDashboard((s) => s.error);
  const checkAuth = useDashboard((s) => s.checkAuth);
  const setError = useDashboard((s) => s.setError);

  // Kiwi may be restarting or not up yet: keep trying rather than leave the page on an error.
  useEffect(
    () =>
      retryUntilDone(
        async () => {
          await checkAuth(client);
          setError(null);
        },
        (err) => setError(`Cannot reach Kiwi (${errorText(err)}): trying again…`),
      ),
    [client, checkAuth, setError],
  );

  if (!auth) {
    return <main className="signin">{error ? <p role="alert">{error}</p> : <p>Connecting to Kiwi…</p>}</main>;
  }
  if (auth.auth_enabled && auth.scopes.length === 0) return <SignIn />;
  return <Dashboard />;
}
