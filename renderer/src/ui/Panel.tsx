import type { ReactNode } from 'react';

/** A titled card; the heading names the region for screen readers. */
export function Panel({ id, title, children, actions }: { id: string; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid={`panel-${id}`}>
      <div className="panel-head">
        <h2 id={`${id}-h`}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** An error next to the control that caused it, announced to screen readers. */
export function InlineError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="inline-error">
      {error}
    </p>
  ) : null;
}
