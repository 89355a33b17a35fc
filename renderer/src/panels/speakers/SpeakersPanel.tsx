import { useRef } from 'react';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';
import { EnrollForm } from './EnrollForm.tsx';
import { SpeakerRow } from './SpeakerRow.tsx';

/** Known voices, and enrolling a new one from a few recorded phrases. */
export function SpeakersPanel() {
  const speakers = useDashboard((s) => s.data.speakers?.speakers);
  const canAdmin = useCan('admin');
  const householdOpen = useDashboard((s) => s.data.status?.household_open);
  const owner = speakers?.find((s) => s.priority === 0)?.name ?? null;
  // A deleted speaker's row (and the button that deleted it) goes: the focus moves to the list, not to the page.
  const list = useRef<HTMLUListElement>(null);
  return (
    <Panel id="speakers" title="Speakers">
      {householdOpen && (
        <p data-testid="household-open">
          Open household: until an owner is enrolled, anyone may change Kiwi&apos;s soul and language by voice. Say &ldquo;Kiwi, remember my voice&rdquo; to become the owner.
        </p>
      )}
      {!canAdmin && <p className="muted">Changing speakers needs the admin scope.</p>}
      {speakers && speakers.length === 0 && <p className="muted">No speakers yet: enroll one below.</p>}
      <ul className="cards" aria-label="Speakers" ref={list} tabIndex={-1}>
        {speakers?.map((s) => (
          // key by content too, so a rename or priority change from elsewhere resets the row's draft
          <SpeakerRow key={`${s.id}:${s.name}`} speaker={s} canAdmin={canAdmin} currentOwner={owner} onDeleted={() => list.current?.focus()} />
        ))}
      </ul>
      <EnrollForm canAdmin={canAdmin} />
    </Panel>
  );
}
