import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useDashboard } from '../../store/dashboard.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

/**
 * Auth is on and this browser has no session: exchange an API token for a session cookie
 * (HttpOnly, SameSite=Strict), so the token itself is never stored by the page.
 */
export function SignIn() {
  const client = useClient();
  const checkAuth = useDashboard((s) => s.checkAuth);
  const [token, setToken] = useState('');
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await client.call('login', { body: { token: token.trim() } });
      setToken('');
      await checkAuth(client);
    });
  };

  return (
    <main className="signin">
      <h1>Kiwi</h1>
      <form onSubmit={submit} aria-labelledby="signin-h" className="panel">
        <h2 id="signin-h">Sign in</h2>
        <p className="muted">This Kiwi asks for an API token (from its config file or KIWI_API_TOKEN).</p>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} autoFocus required />
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <InlineError error={error} />
      </form>
    </main>
  );
}
