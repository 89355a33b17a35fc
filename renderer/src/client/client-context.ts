import { createContext, useContext } from 'react';
import type { KiwiClient } from './kiwi-client.ts';

export const ClientContext = createContext<KiwiClient | null>(null);

/** The client the panels talk to Kiwi through (HTTP in the browser, the preload bridge in the desktop window). */
export function useClient(): KiwiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

/** Where the dashboard runs. The desktop app has a hidden audio window that owns the microphone, so its dashboard must not capture too. */
export interface Shell {
  desktop: boolean;
}
export const ShellContext = createContext<Shell>({ desktop: false });
export const useShell = (): Shell => useContext(ShellContext);
