import { useMemo, useState, type FormEvent } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useUnsavedChanges } from '../../ui/unsaved.ts';
import { useAction } from '../../ui/use-action.ts';
import { ConfigField } from './ConfigField.tsx';
import { buildPatch, configFields, validatePatch, valueAt, type Draft, type FieldSpec } from './fields.ts';

const FIELDS = configFields();
const GROUPS = [...new Set(FIELDS.map((f) => f.group))];

function shown(field: FieldSpec, config: unknown, draft: Draft): string | boolean {
  if (field.path in draft) return draft[field.path]!;
  const current = valueAt(config, field.path);
  if (field.kind === 'boolean') return current === true;
  return current === undefined ? '' : String(current);
}

/**
 * The configuration, validated as you type with the API's own ConfigPatchSchema; Save sends only
 * what changed. Fields nobody is editing follow the server (a change from elsewhere shows at once).
 */
export function ConfigEditor() {
  const client = useClient();
  const config = useDashboard((s) => s.data.config);
  const canControl = useCan('control');
  const [draft, setDraft] = useState<Draft>({});
  const [saved, setSaved] = useState<string[] | null>(null);
  const { busy, error, run } = useAction();
  const validation = useMemo(() => validatePatch(buildPatch(FIELDS, draft)), [draft]);
  const errors = validation.ok ? {} : validation.errors;
  const dirty = Object.keys(draft).length > 0;
  useUnsavedChanges(dirty ? `the settings: ${Object.keys(draft).join(', ')}` : null);

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!validation.ok) return;
    void run(async () => {
      const answer = await client.call('patchConfig', { body: validation.body });
      setSaved(Object.keys(answer.updated));
      setDraft({});
    });
  };

  if (!config) return <Panel id="config" title="Configuration">Loading…</Panel>;
  // Keys a KIWI_* variable sets win over the file: shown, not editable here (PATCH would be a 409).
  const setByEnv = config.set_by_env ?? {};
  return (
    <Panel id="config" title="Configuration">
      {!canControl && (
        <p className="muted" data-testid="config-scope-note">
          Changing settings needs the control scope: sign in with a control or admin token.
        </p>
      )}
      <form onSubmit={save} noValidate>
        {GROUPS.map((group) => (
          <fieldset key={group ?? 'general'}>
            <legend>{group ?? 'general'}</legend>
            <div className="fields">
              {FIELDS.filter((f) => f.group === group).map((field) => (
                <ConfigField
                  key={field.path}
                  field={field}
                  value={shown(field, config, draft)}
                  dirty={field.path in draft}
                  error={errors[field.path]}
                  disabled={busy || !canControl || field.path in setByEnv}
                  setBy={setByEnv[field.path]}
                  onChange={(value) => {
                    setSaved(null);
                    setDraft((d) => ({ ...d, [field.path]: value }));
                  }}
                />
              ))}
            </div>
          </fieldset>
        ))}
        <p className="muted small">
          The api group (host, port, tokens) can only be changed in the config file
          {config.api.auth.enabled ? ' (API tokens are required)' : ''}.
        </p>
        <div className="row sticky-actions">
          <button type="submit" className="primary" disabled={!dirty || !validation.ok || busy || !canControl} data-testid="config-save">
            Save changes
          </button>
          <button type="button" disabled={!dirty || busy} onClick={() => setDraft({})}>
            Discard
          </button>
          {!validation.ok && <span className="inline-error">{Object.keys(errors).length} invalid</span>}
          {saved && (
            <span role="status" data-testid="config-saved">
              Saved: {saved.join(', ') || 'nothing changed'}
            </span>
          )}
        </div>
        <InlineError error={error} />
      </form>
    </Panel>
  );
}
