import { useState, type FormEvent } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

/** Connection state, and a box to send a sentence to Home Assistant's Conversation API. */
export function HomeAssistantPanel() {
  const client = useClient();
  const ha = useDashboard((s) => s.data.ha);
  const canControl = useCan('control');
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAnswer(null);
    void run(async () => setAnswer((await client.call('haCommand', { body: { text } })).response));
  };

  return (
    <Panel id="homeassistant" title="Home Assistant">
      <dl>
        <dt>Enabled</dt>
        <dd data-testid="ha-enabled">{ha ? (ha.enabled ? 'yes' : 'no') : '…'}</dd>
        <dt>Connection</dt>
        <dd data-testid="ha-connected">{ha ? (ha.connected ? 'connected' : 'not connected') : '…'}</dd>
        {ha?.last_error && (
          <>
            <dt>Last error</dt>
            <dd>{ha.last_error}</dd>
          </>
        )}
      </dl>
      <form onSubmit={submit} className="row">
        <label className="grow">
          Test command{' '}
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="turn on the kitchen lights" maxLength={1000} />
        </label>
        <button type="submit" disabled={busy || !text.trim() || !canControl} title={canControl ? undefined : 'needs the control scope'}>
          Send
        </button>
      </form>
      {answer !== null && (
        <p data-testid="ha-answer" role="status">
          Home Assistant: {answer}
        </p>
      )}
      <InlineError error={error} />
    </Panel>
  );
}
