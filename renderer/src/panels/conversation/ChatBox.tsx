import { useState, type FormEvent } from 'react';
import { useMic } from '../../audio/mic-store.ts';
import { useClient } from '../../client/client-context.ts';
import { errorText } from '../../client/kiwi-client.ts';
import { useConversation } from '../../store/conversation.ts';
import { useCan } from '../../store/dashboard.ts';

/**
 * Talk to Kiwi by typing: POST /api/chat runs the same turn as a spoken command. The line shows
 * in the transcript at once and is replaced by its TURN_FINISHED when that arrives.
 */
export function ChatBox() {
  const client = useClient();
  const canControl = useCan('control');
  const { addPending, settlePending } = useConversation();
  const [text, setText] = useState('');
  const [speak, setSpeak] = useState(true);
  const [sending, setSending] = useState(0);
  const [stopError, setStopError] = useState<string | null>(null);

  // The answer being written and spoken ends here, without going to the Overview's Stop.
  const stop = () => {
    setStopError(null);
    const mic = useMic.getState();
    if (mic.status === 'on') mic.stopSpeaking(); // a reply already sent to this page keeps playing otherwise
    client.call('stop').catch((err: unknown) => setStopError(`Could not stop: ${errorText(err)}`));
  };

  const send = (e: FormEvent) => {
    e.preventDefault();
    const line = text.trim();
    if (!line) return;
    const id = addPending(line);
    setText('');
    setSending((n) => n + 1);
    client
      .call('chat', { body: { text: line, speak } })
      .then(
        (answer) => settlePending(id, { answer }),
        (err: unknown) => {
          settlePending(id, { error: errorText(err) });
          setText((current) => current || line); // give the words back to try again
        },
      )
      .finally(() => setSending((n) => n - 1));
  };

  return (
    <form className="chat-box" onSubmit={send} aria-label="Talk to Kiwi by typing">
      <label htmlFor="chat-text" className="sr-only">
        Message to Kiwi
      </label>
      <input
        id="chat-text"
        data-testid="chat-text"
        value={text}
        maxLength={2000}
        placeholder={canControl ? 'Type to Kiwi, e.g. what time is it' : 'Typing to Kiwi needs the control scope'}
        disabled={!canControl}
        onChange={(e) => setText(e.target.value)}
        autoComplete="off"
      />
      <label className="check">
        <input type="checkbox" checked={speak} onChange={(e) => setSpeak(e.target.checked)} disabled={!canControl} /> Speak the reply
      </label>
      <button type="submit" className="primary" disabled={!canControl || !text.trim()}>
        Send
      </button>
      {sending > 0 && (
        <button type="button" className="danger" onClick={stop} data-testid="chat-stop" title="Stop the answer being written and spoken">
          {/* the square is a picture, not a word a screen reader should say */}
          <span aria-hidden="true">■</span> Stop
        </button>
      )}
      <span className="muted small" aria-live="polite">
        {sending > 0 ? 'Kiwi is answering…' : ''}
      </span>
      {stopError && (
        <span role="alert" className="inline-error small">
          {stopError}
        </span>
      )}
    </form>
  );
}
