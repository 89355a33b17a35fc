import { useDashboard } from '../../store/dashboard.ts';

const LABELS: Record<string, string> = {
  IDLE: 'Idle',
  LISTENING: 'Listening',
  PROCESSING: 'Processing',
  THINKING: 'Thinking',
  SPEAKING: 'Speaking',
};

/** The engine state as a coloured, animated orb; the word beside it is what screen readers hear. */
export function StateOrb() {
  const connected = useDashboard((s) => s.connected);
  const state = useDashboard((s) => s.state);
  const shown = connected && state ? state : 'OFFLINE';
  const handsFree = useDashboard((s) => connected && s.data.status?.hands_free_active === true);
  return (
    <div className="orb-wrap">
      <span className={`orb orb-${shown.toLowerCase()}`} aria-hidden="true" data-testid="orb" data-state={shown} />
      <span role="status" aria-live="polite" data-testid="state">
        {connected ? (LABELS[shown] ?? shown) : 'Disconnected: reconnecting…'}
      </span>
      {handsFree && (
        <span className="badge ok" data-testid="hands-free" title="The owner may speak without the wake word until another voice is heard">
          hands-free
        </span>
      )}
    </div>
  );
}
