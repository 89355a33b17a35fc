import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ClientContext } from './client/client-context.ts';
import { createHttpClient } from './client/http-client.ts';
import { useDashboard } from './store/dashboard.ts';
import './styles.css';

// A 401 on a protected call means the session ended (expired, signed out elsewhere): back to sign-in.
const client = createHttpClient(() => {
  const { signedOut, checkAuth } = useDashboard.getState();
  signedOut();
  void checkAuth(client);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>
  </StrictMode>,
);
