import type { ReactNode, Ref } from 'react';

interface PanelProps {
  id: string;
  title: string;
  children: ReactNode;
  actions?: ReactNode;
  ref?: Ref<HTMLElement>;
}

/**
 * A titled card; the heading names the region for screen readers. The heading takes the focus
 * when it is moved there (tabIndex -1: not a Tab stop), e.g. after the panel before it went away.
 */
export function Panel({ id, title, children, actions, ref }: PanelProps) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid={`panel-${id}`} ref={ref}>
      <div className="panel-head">
        <h2 id={`${id}-h`} tabIndex={-1}>
          {title}
        </h2>
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
