import { useState } from 'react';
import type { Answer } from '../../client/kiwi-client.ts';

type Memory = Answer<'getSpeakerMemory'>;

function Messages({ title, messages }: { title: string; messages: Memory['conversation'] }) {
  if (messages.length === 0) return null;
  return (
    <details className="memory-messages">
      <summary>
        {title}: {messages.length} {messages.length === 1 ? 'message' : 'messages'}
      </summary>
      <ol>
        {messages.map((m, i) => (
          <li key={i}>
            <b>{m.role === 'user' ? 'They' : 'Kiwi'}:</b> {m.content}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** One speaker's facts (each deletable) and running conversations, and "forget everything" with a confirm step. */
export function MemoryView(props: { name: string; memory: Memory; busy: boolean; onDeleteFact(id: string): void; onClear(): void }) {
  const { name, memory, busy } = props;
  const [confirming, setConfirming] = useState(false);
  const nothing = memory.facts.length === 0 && memory.conversation.length === 0 && memory.nsfw_conversation.length === 0;
  return (
    <div data-testid="memory-view" data-speaker={memory.speaker_id}>
      <h3>
        What Kiwi remembers about {name}{' '}
        <span className="muted small">
          ({memory.facts.length} of {memory.max_facts} facts)
        </span>
      </h3>
      {memory.facts.length === 0 ? (
        <p className="muted">No facts. {name} can say “remember that …” to add one.</p>
      ) : (
        <ul className="memory-facts" aria-label={`Facts about ${name}`}>
          {memory.facts.map((fact) => (
            <li key={fact.id} data-testid={`fact-${fact.id}`}>
              <span className="grow">{fact.text}</span>
              <time className="muted small" dateTime={fact.created_at}>
                {new Date(fact.created_at).toLocaleDateString()}
              </time>
              <button type="button" disabled={busy} onClick={() => props.onDeleteFact(fact.id)} aria-label={`Delete the fact: ${fact.text}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <Messages title="Running conversation" messages={memory.conversation} />
      <Messages title="18+ conversation" messages={memory.nsfw_conversation} />
      <div className="row">
        {confirming ? (
          <>
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                props.onClear();
              }}
            >
              Really forget everything about {name}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" disabled={busy || nothing} onClick={() => setConfirming(true)}>
            Forget everything…
          </button>
        )}
      </div>
    </div>
  );
}
