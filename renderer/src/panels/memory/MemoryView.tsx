import { useEffect, useRef } from 'react';
import type { Answer } from '../../client/kiwi-client.ts';
import { ConfirmStep } from '../../ui/ConfirmStep.tsx';
import { focusLost } from '../../ui/focus.ts';

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

/**
 * One speaker's facts (each deletable) and running conversations, and "forget everything" with a
 * confirm step. A deleted fact's button goes: the focus moves to the next fact's Delete (or the
 * last one's), and to the heading once no fact is left.
 */
export function MemoryView(props: { name: string; memory: Memory; busy: boolean; onDeleteFact(id: string): void; onClear(): Promise<boolean> }) {
  const { name, memory, busy } = props;
  const nothing = memory.facts.length === 0 && memory.conversation.length === 0 && memory.nsfw_conversation.length === 0;
  const heading = useRef<HTMLHeadingElement>(null);
  const facts = useRef<HTMLUListElement>(null);
  // Which fact was deleted, from which list, and whether a render has shown its request running:
  // the focus moves once the request is over. The effects of a render from before the click can
  // still run after it (React runs them late): their idle buttons and old list are not the end.
  const deleted = useRef<{ at: number; from: Memory; seenBusy: boolean } | null>(null);
  useEffect(() => {
    const d = deleted.current;
    if (d === null) return;
    if (busy) return void (d.seenBusy = true); // the buttons are enabled again once the request is over
    if (memory === d.from && !d.seenBusy) return;
    const { at } = d;
    deleted.current = null;
    if (!focusLost()) return; // the user moved on
    const buttons = facts.current?.querySelectorAll('button') ?? [];
    (buttons[Math.min(at, buttons.length - 1)] ?? heading.current)?.focus();
  }, [busy, memory]);
  return (
    <div data-testid="memory-view" data-speaker={memory.speaker_id}>
      <h3 ref={heading} tabIndex={-1}>
        What Kiwi remembers about {name}{' '}
        <span className="muted small">
          ({memory.facts.length} of {memory.max_facts} facts)
        </span>
      </h3>
      {memory.facts.length === 0 ? (
        <p className="muted">No facts. {name} can say “remember that …” to add one.</p>
      ) : (
        <ul className="memory-facts" aria-label={`Facts about ${name}`} ref={facts}>
          {memory.facts.map((fact, i) => (
            <li key={fact.id} data-testid={`fact-${fact.id}`}>
              <span className="grow">{fact.text}</span>
              <time className="muted small" dateTime={fact.created_at}>
                {new Date(fact.created_at).toLocaleDateString()}
              </time>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  deleted.current = { at: i, from: memory, seenBusy: false };
                  props.onDeleteFact(fact.id);
                }}
                aria-label={`Delete the fact: ${fact.text}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <Messages title="Running conversation" messages={memory.conversation} />
      <Messages title="18+ conversation" messages={memory.nsfw_conversation} />
      <div className="row">
        <ConfirmStep
          trigger={{ text: 'Forget everything…', disabled: busy || nothing }}
          question={`Forget everything about ${name}?`}
          confirm={{ text: `Really forget everything about ${name}` }}
          busy={busy}
          onConfirm={props.onClear}
          focusAfter={() => heading.current}
        />
      </div>
    </div>
  );
}
