import { useState } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { leaveQuestion, useUnsavedChanges } from '../../ui/unsaved.ts';
import { useAction } from '../../ui/use-action.ts';
import { checkSoulForm, emptySoulForm, formFromSoul, previewMarkdown, soulFormChanged, updateForm, type SoulForm } from './soul-form.ts';

type TextField = 'id' | 'name' | 'description' | 'model' | 'voice' | 'style';
const FIELDS: Array<{ field: TextField; label: string; hint?: string }> = [
  { field: 'name', label: 'Name' },
  { field: 'id', label: 'Id', hint: 'the file name: <id>.md in your souls folder' },
  { field: 'description', label: 'Description', hint: 'one line, shown on the soul’s card' },
  { field: 'model', label: 'LLM model', hint: 'empty: the configured llm.model' },
  { field: 'voice', label: 'Voice', hint: 'optional TTS voice' },
  { field: 'style', label: 'Style', hint: 'optional, e.g. playful' },
];

/**
 * Create and edit user souls: a form on the left, a live preview (the card and the exact file
 * Kiwi will write) on the right. Built-ins are read-only: they can be copied into a new soul.
 */
export function SoulEditor({ title = 'Souls' }: { title?: string }) {
  const client = useClient();
  const souls = useDashboard((s) => s.data.souls?.souls) ?? [];
  const load = useDashboard((s) => s.load);
  const canAdmin = useCan('admin');
  const [form, setForm] = useState<SoulForm | null>(null);
  // The form as it was opened or last saved: what "unsaved" is measured against.
  const [opened, setOpened] = useState<SoulForm | null>(null);
  const [touched, setTouched] = useState(false);
  const { busy, error, run } = useAction();
  const checked = form ? checkSoulForm(form, souls) : null;
  const unsaved = form && opened && soulFormChanged(form, opened) ? `the soul '${form.name.trim() || form.id || 'new soul'}'` : null;
  useUnsavedChanges(unsaved);
  /** Opening another soul or closing the form drops the one being edited: ask first when it has unsaved edits. */
  const mayDrop = () => unsaved === null || window.confirm(leaveQuestion([unsaved]));
  const show = (next: SoulForm | null) => {
    setForm(next);
    setOpened(next);
    setTouched(false);
  };

  const open = (id: string, mode: 'edit' | 'copy') => {
    if (!mayDrop()) return;
    void run(async () => show(formFromSoul(await client.call('getSoul', { params: { soul_id: id } }), mode)));
  };
  const save = () => {
    setTouched(true);
    if (!form || !checked?.body) return;
    const body = checked.body;
    void run(async () => {
      await client.call('putSoul', { params: { soul_id: form.id }, body });
      await load(client, ['souls']);
      show({ ...form, isNew: false, idFromName: false });
    });
  };
  const remove = (id: string) => {
    if (!window.confirm(`Delete the soul '${id}'? Its file is removed from your souls folder.`)) return;
    void run(async () => {
      await client.call('deleteSoul', { params: { soul_id: id } });
      await load(client, ['souls']);
      if (form?.id === id) show(null);
    });
  };

  return (
    <Panel id="soul-editor" title={title} actions={canAdmin && <button type="button" onClick={() => mayDrop() && show(emptySoulForm())}>New soul</button>}>
      {!canAdmin && <p className="muted">Creating and editing souls needs the admin scope.</p>}
      <InlineError error={error} />
      <ul className="soul-list" aria-label="Your souls and the built-in ones">
        {souls.map((soul) => (
          <li key={soul.id}>
            <span>
              {soul.name} <span className="muted small">{soul.builtin ? 'built-in' : `${soul.id}.md`}</span>
            </span>
            <span className="grow" />
            {!soul.builtin && (
              <>
                <button type="button" disabled={busy || !canAdmin} onClick={() => open(soul.id, 'edit')} aria-label={`Edit ${soul.name}`}>Edit</button>
                <button type="button" disabled={busy || !canAdmin} onClick={() => remove(soul.id)} aria-label={`Delete ${soul.name}`}>Delete</button>
              </>
            )}
            <button type="button" disabled={busy || !canAdmin} onClick={() => open(soul.id, 'copy')} aria-label={`Copy ${soul.name}`}>Copy</button>
          </li>
        ))}
      </ul>
      {form && checked && (
        <div className="soul-edit">
          <form aria-label={form.isNew ? 'New soul' : `Edit ${form.id}`} onSubmit={(e) => (e.preventDefault(), save())}>
            {FIELDS.map(({ field, label, hint }) => {
              const error = touched ? checked.errors[field] : undefined;
              return (
                <div key={field} className="field">
                  <label htmlFor={`soul-${field}`}>{label}</label>
                  <input
                    id={`soul-${field}`}
                    value={form[field]}
                    readOnly={field === 'id' && !form.isNew}
                    onChange={(e) => setForm(updateForm(form, field, e.target.value))}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error || hint ? `soul-${field}-note` : undefined}
                  />
                  {error ? (
                    <span id={`soul-${field}-note`} className="inline-error">{error}</span>
                  ) : (
                    hint && <span id={`soul-${field}-note`} className="muted small">{hint}</span>
                  )}
                </div>
              );
            })}
            <label className="check">
              <input type="checkbox" checked={form.nsfw} onChange={(e) => setForm(updateForm(form, 'nsfw', e.target.checked))} />
              18+ (usable only with souls.allow_nsfw)
            </label>
            <div className="field">
              <label htmlFor="soul-prompt">Prompt (markdown: how this soul talks and behaves)</label>
              <textarea
                id="soul-prompt"
                rows={10}
                value={form.prompt}
                onChange={(e) => setForm(updateForm(form, 'prompt', e.target.value))}
                aria-invalid={touched && checked.errors.prompt ? true : undefined}
                aria-describedby={touched && checked.errors.prompt ? 'soul-prompt-note' : undefined}
              />
              {touched && checked.errors.prompt && <span id="soul-prompt-note" className="inline-error">{checked.errors.prompt}</span>}
            </div>
            <div className="row">
              <button type="submit" disabled={busy || !canAdmin}>{form.isNew ? 'Create soul' : 'Save'}</button>
              <button type="button" onClick={() => mayDrop() && show(null)}>Close</button>
            </div>
          </form>
          <aside aria-label="Preview">
            <div className={`card soul${form.nsfw ? ' nsfw' : ''}`} data-testid="soul-preview">
              <div className="card-title">
                <strong>{form.name || 'Unnamed soul'}</strong>
                {form.nsfw && <span className="badge nsfw">18+</span>}
              </div>
              <p>{form.description}</p>
              {form.model && <p className="muted small">model: {form.model}</p>}
            </div>
            <p className="muted small">{form.id || 'new-soul'}.md</p>
            <pre className="soul-file" data-testid="soul-file">{previewMarkdown(form)}</pre>
          </aside>
        </div>
      )}
    </Panel>
  );
}
