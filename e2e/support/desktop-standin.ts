import { routes } from '../../main/contract/routes.ts';

/**
 * A stand-in for the desktop preload bridge (window.kiwi, main/desktop/ipc-contract.ts): REST and the
 * event stream of this Kiwi, as main/desktop relays them. Audio is refused (a dashboard window: the
 * hidden audio window owns it) or, with `audio: 'accepted'`, taken and counted in
 * `window.kiwiAudioFrames` (the audio window). Plain JavaScript: it runs in the page before the desktop entry.
 */
export function preloadStandin(options: { audio?: 'refused' | 'accepted' } = {}): string {
  const table = Object.fromEntries(Object.entries(routes).map(([id, r]) => [id, { method: r.method.toUpperCase(), path: r.path }]));
  const open =
    options.audio === 'accepted'
      ? `async () => ({ ok: true, engineSampleRate: 16000 })`
      : `async () => ({ ok: false, error: { code: 'not_here', message: 'the audio window owns the microphone' } })`;
  return `
    const routes = ${JSON.stringify(table)};
    const fill = (p, params = {}) => p.replace(/\\{(\\w+)\\}/g, (_m, k) => encodeURIComponent(String(params[k])));
    const search = (query) => {
      const pairs = Object.entries(query || {}).map(([k, v]) => [k, String(v)]);
      return pairs.length ? '?' + new URLSearchParams(pairs).toString() : '';
    };
    window.kiwiAudioFrames = 0;
    window.kiwi = {
      isDesktop: true,
      platform: 'linux',
      async call(route, input) {
        const spec = routes[route];
        const body = input && input.body;
        const res = await fetch(fill(spec.path, input && input.params) + search(input && input.query), {
          method: spec.method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = await res.json();
        return res.ok ? { ok: true, status: res.status, data: json } : { ok: false, status: res.status, error: json.error };
      },
      subscribeEvents(listener) {
        const ws = new WebSocket('ws://' + location.host + '/api/events');
        ws.onmessage = (m) => listener(JSON.parse(String(m.data)));
        return () => ws.close();
      },
      audio: {
        open: ${open},
        send() { window.kiwiAudioFrames += 1; },
        control() {}, close() {},
        onOutput: () => () => undefined,
      },
      shell: { openWindow: async () => undefined, getStartAtLogin: async () => null, setStartAtLogin: async () => null },
    };`;
}
