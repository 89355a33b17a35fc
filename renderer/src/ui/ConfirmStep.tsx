import { useEffect, useId, useRef, useState } from 'react';
import { focusable, focusLost } from './focus.ts';

interface Props {
  /** The button that opens the step. */
  trigger: { text: string; label?: string; title?: string; disabled?: boolean };
  /** The step's question: the group's accessible name, or shown before the buttons with `showQuestion`. */
  question: string;
  showQuestion?: boolean;
  confirm: { text: string; danger?: boolean };
  keep?: { text?: string; label?: string };
  /** Another request of the same view is running: confirming waits for it. */
  busy?: boolean;
  /** The confirmed action; `false` (it failed, the error shows elsewhere) keeps the step open to retry or keep. */
  onConfirm(): Promise<boolean | void> | boolean | void;
  /** Where the focus goes once the action is done, if nothing else took it; else the trigger. */
  focusAfter?: () => HTMLElement | null | undefined;
  /** Told when the step opens and when it closes (or goes): the view can hide choices that would compete with it. A stable function (a state setter). */
  onOpenChange?(open: boolean): void;
}

/**
 * A destructive action behind a second step ("Really delete … / Keep"). Opening it puts the focus
 * on the safe choice; Keep (or Escape) returns it to the trigger; after the confirmed action it goes
 * to `focusAfter` (or the trigger), unless the action put it somewhere itself. While the action runs
 * its button is aria-disabled, not disabled, so it keeps the keyboard focus.
 */
export function ConfirmStep({ trigger, question, showQuestion, confirm, keep, busy = false, onConfirm, focusAfter, onOpenChange }: Props) {
  const [open, setOpen] = useState(false);
  const [pending, setPending] = useState(false);
  const triggerButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const focusTo = useRef<'keep' | 'trigger' | 'after' | null>(null);
  const questionId = useId();
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => void (mounted.current = false);
  }, []);

  // Told in the same update that opens or closes the step (one render, the focus moves undisturbed).
  const isOpen = useRef(false);
  const openStep = (value: boolean) => {
    isOpen.current = value;
    setOpen(value);
    onOpenChange?.(value);
  };
  useEffect(() => () => void (isOpen.current && onOpenChange?.(false)), [onOpenChange]);

  // After every render: a focus move asked for waits until its target exists and is enabled, and is
  // dropped once the user (or the action) moved the focus elsewhere. Only a render that shows its
  // target may take it: the effects of an earlier render can run after the request was made (React
  // runs them late, e.g. when a reload committed just before the action ended), and they would
  // see the focus still on the step's button and drop the move.
  useEffect(() => {
    const want = focusTo.current;
    if (want === null || (want === 'keep') !== open) return;
    if (want === 'keep') {
      keepButton.current?.focus();
      focusTo.current = null;
      return;
    }
    if (!focusLost()) {
      focusTo.current = null;
      return;
    }
    const target = want === 'after' ? (focusAfter?.() ?? triggerButton.current) : triggerButton.current;
    if (focusable(target)) {
      target.focus();
      focusTo.current = null;
    }
  });

  const close = (then: 'trigger' | 'after') => {
    focusTo.current = then;
    openStep(false);
  };
  const confirmed = async () => {
    if (pending || busy) return;
    setPending(true);
    let ok: boolean | void;
    try {
      ok = await onConfirm();
    } finally {
      if (mounted.current) setPending(false);
    }
    if (mounted.current && ok !== false) close('after');
  };

  if (!open) {
    return (
      <button
        type="button"
        ref={triggerButton}
        disabled={trigger.disabled}
        onClick={() => ((focusTo.current = 'keep'), openStep(true))}
        aria-label={trigger.label}
        title={trigger.title}
      >
        {trigger.text}
      </button>
    );
  }
  return (
    <div
      className={`confirm-step row${showQuestion ? ' asks' : ''}`}
      role="group"
      aria-label={showQuestion ? undefined : question}
      aria-labelledby={showQuestion ? questionId : undefined}
      onKeyDown={(e) => e.key === 'Escape' && !pending && close('trigger')}
    >
      {showQuestion && (
        <p id={questionId}>
          {question}
        </p>
      )}
      <button type="button" className={confirm.danger === false ? undefined : 'danger'} aria-disabled={pending || busy} onClick={() => void confirmed()}>
        {confirm.text}
      </button>
      <button type="button" ref={keepButton} aria-disabled={pending} onClick={() => !pending && close('trigger')} aria-label={keep?.label}>
        {keep?.text ?? 'Keep'}
      </button>
    </div>
  );
}
