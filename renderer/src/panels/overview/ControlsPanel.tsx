import { useState, type FormEvent } from 'react';
import { useMic } from '../../audio/mic-store.ts';
import { useClient } from '../../client/client-context.ts';
import { useCan } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

/**
 * The controls always at hand on the Overview: Stop (speech, the running answer and any ringing
 * timer, in one call), Reset conversation, Restart, and a box to hear Kiwi say something.
 */
export function ControlsPanel() {
  const client = useClient();
  const canControl = useCan('control');
  const canAdmin = useCan('admin');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [text, setText] = useState('');

  const act = (call: () => Promise<unknown>, message: string) => {
    setDone(null);
    void run(call).then((ok) => ok && setDone(message));
  };
  const speak = (e: FormEvent) => {
    e.preventDefault();
    const phrase = text.trim();
    if (phrase) act(() => client.call('ttsTest', { body: { text: phrase } }), `Speaking: “${phrase}”`);
  };
  const needs = (ok: boolean, scope: string) => (ok ? undefined : `needs the ${scope} scope`);
  const stop = () => {
    // A reply already sent to this page keeps playing here unless the page stops it too.
    const mic = useMic.getState();
    if (mic.status === 'on') mic.stopSpeaking();
    act(() => client.call('stop'), 'Stopped.');
  };

  return (
    <Panel id="controls" title="Controls">
      <div className="row">
        <button
          type="button"
          className="danger"
          data-testid="stop-all"
          disabled={!canControl}
          title={needs(canControl, 'control') ?? 'Stop speaking, the answer being written and any ringing timer'}
          onClick={stop}
        >
          {/* the square is a picture, not a word a screen reader should say */}
          <span aria-hidden="true">■</span> Stop
        </button>
        <button type="button" disabled={busy || !canControl} title={needs(canControl, 'control') ?? 'Forget the running conversation (remembered facts stay)'} onClick={() => act(() => client.call('resetContext', { body: {} }), 'Conversation cleared. Remembered facts are kept.')}>
          Reset conversation
        </button>
        <button type="button" disabled={busy || !canAdmin} title={needs(canAdmin, 'admin') ?? 'Rebuild the engine (the dashboard stays connected)'} onClick={() => act(() => client.call('restart'), 'Restarting the engine…')}>
          Restart
        </button>
        <span role="status" className="muted" data-testid="controls-done">
          {done}
        </span>
      </div>
      <form className="row" onSubmit={speak}>
        <label className="grow">
          Say this{' '}
          <input type="text" value={text} maxLength={2000} placeholder="Hello, I am Kiwi!" onChange={(e) => setText(e.target.value)} disabled={!canControl} />
        </label>
        <button type="submit" disabled={busy || !canControl || !text.trim()}>
          Speak
        </button>
      </form>
      <InlineError error={error} />
    </Panel>
  );
}
