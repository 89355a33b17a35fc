import type { KiwiClient } from '../client/kiwi-client.ts';

/** The microphone session the hidden audio window drives (the dashboard's mic store fits). */
export interface MicSession {
  start(client: KiwiClient): Promise<void>;
  stop(): Promise<void>;
  readonly status: 'off' | 'starting' | 'on';
}

const RETRY_MS = 15_000;

/**
 * The hidden audio window's one job: keep the microphone (and the reply speaker with it) on while
 * Kiwi is listening, off while it is not, so the system's "microphone in use" indicator tells the
 * truth. A microphone that fails to start (unplugged, busy) is retried while listening stays on.
 * Returns the function that stops following (and the microphone).
 */
export function followListening(client: KiwiClient, mic: () => MicSession, retryMs = RETRY_MS): () => void {
  let listening = false;
  let stopped = false;

  const apply = (on: boolean) => {
    listening = on;
    if (stopped) return;
    if (on && mic().status === 'off') void mic().start(client);
    if (!on && mic().status !== 'off') void mic().stop();
  };
  const refresh = () =>
    client.call('status').then(
      (status) => apply(status.listening),
      () => undefined, // Kiwi is restarting: the next CONNECTED or retry tick asks again
    );

  const unsubscribe = client.onEvent(
    (event) => {
      // A new engine may have gained (or lost) its listening stages: status.listening says whether Kiwi can listen.
      if (event.event === 'CONNECTED' || event.event === 'ENGINE_READY') void refresh();
      const updated = event.event === 'CONFIG_CHANGED' ? (event.data.updated as Record<string, unknown> | undefined) : undefined;
      if (updated?.listening === false) apply(false);
      if (updated?.listening === true) void refresh(); // on in config, yet without a VAD nothing listens
    },
    () => undefined,
  );
  const retry = setInterval(() => {
    if (listening && mic().status === 'off') void mic().start(client);
  }, retryMs);

  return () => {
    stopped = true;
    clearInterval(retry);
    unsubscribe();
    void mic().stop();
  };
}
