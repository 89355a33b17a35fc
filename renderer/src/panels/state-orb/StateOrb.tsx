import { useState } from 'react';
import { useDashboard } from '../../store/dashboard.ts';

const LABELS: Record<string, string> = {
  IDLE: 'Idle',
  LISTENING: 'Listening',
  PROCESSING: 'Processing',
  THINKING: 'Thinking',
  SPEAKING: 'Speaking',
};

/**
 * The engine state as a coloured, animated orb and a word. Screen readers read the word on demand
 * but are not told each change (with the microphone on, every noise would announce "Processing",
 * "Listening"); what they are told is the connection: lost, and back.
 */
export function StateOrb() {
  const connected = useDashboard((s) => s.connected);
  const state = useDashboard((s) => s.state);
  const shown = connected && state ? state : 'OFFLINE';
  const handsFree = useDashboard((s) => connected && s.data.status?.hands_free_active === true);
  const [lostOnce, setLostOnce] = useState(false);
  if (!connected && !lostOnce) setLostOnce(true); // React's way to derive state from a change during render
  return (
    <div className="orb-wrap">
      <span className={`orb orb-${shown.toLowerCase()}`} aria-hidden="true" data-testid="orb" data-state={shown} />
      <span data-testid="state">{connected ? (LABELS[shown] ?? shown) : 'Disconnected: reconnecting…'}</span>
      <span className="sr-only" role="status" data-testid="connection-announcer">
        {connected ? (lostOnce ? 'Connected to Kiwi again.' : '') : 'Disconnected from Kiwi: reconnecting…'}
      </span>
      {handsFree && (
        <span className="badge ok" data-testid="hands-free" title="The owner may speak without the wake word until another voice is heard">
          hands-free
        </span>
      )}
    </div>
  );
}
