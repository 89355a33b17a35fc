import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useConversation, type Turn } from '../../store/conversation.ts';
import { useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';
import { announcement } from './announce.ts';
import { ChatBox } from './ChatBox.tsx';
import { IgnoredGroup, PendingEntry, TurnEntry } from './TurnEntry.tsx';
import './conversation.css';

type Item = { kind: 'turn'; turn: Turn } | { kind: 'ignored'; turns: Turn[] };

/** Consecutive ignored utterances become one collapsible group. */
export function groupTurns(turns: Turn[]): Item[] {
  const items: Item[] = [];
  for (const turn of turns) {
    const last = items.at(-1);
    if (turn.ignored === null) items.push({ kind: 'turn', turn });
    else if (last?.kind === 'ignored') last.turns.push(turn);
    else items.push({ kind: 'ignored', turns: [turn] });
  }
  return items;
}

/**
 * The conversation: every finished turn (spoken or typed) with who spoke, what Kiwi answered in
 * which soul, and where the time went. The kept history (GET /api/conversation) comes first, then
 * TURN_FINISHED events continue it live; utterances Kiwi ignored show only while this page is open.
 */
export function ConversationPanel() {
  const { turns, pending, clear, dismissPending, history, older, loadOlder, live } = useConversation();
  const client = useClient();
  const souls = useDashboard((s) => s.data.souls?.souls);
  const connected = useDashboard((s) => s.connected);
  const items = useMemo(() => groupTurns(turns), [turns]);
  const soulName = (id: string | null) => (id ? (souls?.find((s) => s.id === id)?.name ?? id) : null);
  const lastAnswered = turns.findLast((t) => t.ignored === null)?.seq;

  // Follow new lines like a chat, unless the reader scrolled up to read older ones.
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onScroll = () => (atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40);
    el.addEventListener('scroll', onScroll);
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  // Older turns put in front keep the reader where they were; the button that fetched them keeps focus, or hands it to the start line.
  const heightBefore = useRef<number | null>(null);
  const olderButton = useRef<HTMLButtonElement>(null);
  const startLine = useRef<HTMLParagraphElement>(null);
  const olderHadFocus = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (heightBefore.current !== null && older.status !== 'loading') {
      el.scrollTop += el.scrollHeight - heightBefore.current;
      heightBefore.current = null;
      if (olderHadFocus.current && !olderButton.current) startLine.current?.focus();
      olderHadFocus.current = false;
    } else if (atBottom.current) el.scrollTop = el.scrollHeight;
  }, [items, pending, older.status]);
  // aria-disabled, not disabled, while loading: a disabled button would drop the keyboard focus to the page.
  const showOlder = () => {
    if (older.status === 'loading') return;
    heightBefore.current = scroller.current?.scrollHeight ?? null;
    olderHadFocus.current = document.activeElement === olderButton.current;
    void loadOlder(client);
  };
  const firstKept = turns.some((t) => t.ignored === null && t.id !== null);

  return (
    <Panel
      id="conversation"
      title="Conversation"
      actions={
        // aria-disabled once empty: the button just pressed keeps the keyboard focus (disabled would drop it to the page).
        <button
          type="button"
          onClick={() => {
            if (turns.length > 0 || pending.length > 0) clear();
          }}
          aria-disabled={turns.length === 0 && pending.length === 0}
          title="Hides these turns on this page; the kept history stays (a reload shows it)"
        >
          Clear
        </button>
      }
    >
      {!connected && <p className="muted small">Live events are not connected: new turns show once they are.</p>}
      {history.status === 'failed' && (
        <p role="alert" className="inline-error" data-testid="history-error">
          The earlier conversation could not be loaded: {history.error}
        </p>
      )}
      <div className="transcript" ref={scroller}>
        {items.length === 0 && pending.length === 0 && (
          <p className="muted">{history.status === 'loading' || history.status === 'idle' ? 'Loading the conversation…' : 'Nothing said yet. Speak to Kiwi, or type below.'}</p>
        )}
        {older.hasMore && firstKept ? (
          <div className="row">
            <button type="button" ref={olderButton} onClick={showOlder} aria-disabled={older.status === 'loading'} aria-describedby="older-status">
              Show older turns
            </button>
            <span id="older-status" role="status" className="muted small">
              {older.status === 'loading' ? 'Loading older turns…' : ''}
            </span>
          </div>
        ) : (
          history.status === 'loaded' &&
          firstKept && (
            <p ref={startLine} tabIndex={-1} className="muted small" data-testid="history-start">
              This is the start of the kept conversation.
            </p>
          )
        )}
        {older.status === 'failed' && (
          <p role="alert" className="inline-error" data-testid="older-error">
            Older turns could not be loaded: {older.error}
          </p>
        )}
        {/* Not a live region itself: it also holds ignored background talk and timings. What a screen reader is told comes from the announcer below. */}
        <ol role="log" aria-live="off" aria-label="Transcript" data-testid="transcript-log" data-history-loads={history.loads}>
          {/* Keyed by turn id: renumbering (history merged in, older turns in front) must not rebuild every line, which a screen reader would read out again. */}
          {items.map((item) =>
            item.kind === 'turn' ? (
              <TurnEntry key={item.turn.id ?? `seq-${item.turn.seq}`} turn={item.turn} soulName={soulName(item.turn.soul)} latest={item.turn.seq === lastAnswered} />
            ) : (
              <IgnoredGroup key={`ignored-${item.turns[0]!.id ?? item.turns[0]!.seq}`} turns={item.turns} />
            ),
          )}
          {pending.map((p) => (
            <PendingEntry key={`pending-${p.id}`} pending={p} onDismiss={() => dismissPending(p.id)} />
          ))}
        </ol>
      </div>
      {/* Only new answered turns: what Kiwi heard and its reply. Keyed, so the same words again are read again. */}
      <div className="sr-only" aria-live="polite" data-testid="conversation-announcer">
        {live && <p key={live.seq}>{announcement(live)}</p>}
      </div>
      <ChatBox />
    </Panel>
  );
}
