import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

/**
 * Personalities as cards; the active one is pressed. An 18+ soul stays locked unless souls.allow_nsfw,
 * and the card says so in words. The button pressed keeps the keyboard focus (aria-disabled, not
 * disabled, while it switches and once it is the active one).
 */
export function SoulsPanel() {
  const client = useClient();
  const souls = useDashboard((s) => s.data.souls);
  const allowNsfw = useDashboard((s) => s.data.config?.souls.allow_nsfw ?? false);
  const canControl = useCan('control');
  const { busy, error, run } = useAction();

  return (
    <Panel id="souls" title="Souls">
      <InlineError error={error} />
      {!canControl && <p className="muted">Switching souls needs the control scope.</p>}
      <ul className="cards" aria-label="Souls">
        {souls?.souls.map((soul) => {
          const locked = soul.nsfw && !allowNsfw;
          const why = locked ? '18+: turn on souls.allow_nsfw in Settings to use it.' : !canControl ? 'needs the control scope' : undefined;
          const inert = busy || soul.active;
          return (
            <li key={soul.id} className={`card soul${soul.active ? ' active' : ''}`} data-testid={`soul-${soul.id}`}>
              <div className="card-title">
                <strong>{soul.name}</strong>
                {soul.nsfw && (
                  <span className="badge nsfw" title="adult content">
                    18+
                  </span>
                )}
                {soul.active && <span className="badge">active</span>}
              </div>
              <p>{soul.description}</p>
              {soul.model && <p className="muted small">model: {soul.model}</p>}
              {locked && (
                <p className="muted small" id={`soul-${soul.id}-why`}>
                  {why}
                </p>
              )}
              <button
                type="button"
                aria-pressed={soul.active}
                disabled={locked || !canControl}
                aria-disabled={inert || undefined}
                aria-describedby={locked ? `soul-${soul.id}-why` : undefined}
                title={why}
                onClick={() => {
                  if (!inert) void run(() => client.call('setSoul', { body: { soul: soul.id } }));
                }}
              >
                {locked ? 'Locked (18+)' : soul.active ? 'Active' : `Switch to ${soul.name}`}
              </button>
            </li>
          );
        })}
      </ul>
    </Panel>
  );
}
