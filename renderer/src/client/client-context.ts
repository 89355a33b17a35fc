import { createContext, useContext } from 'react';
import type { KiwiClient } from './kiwi-client.ts';

export const ClientContext = createContext<KiwiClient | null>(null);

/** The client the panels talk to Kiwi through (HTTP in the browser, the preload bridge in the desktop window). */
export function useClient(): KiwiClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}
