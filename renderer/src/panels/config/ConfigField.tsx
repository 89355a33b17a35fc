import { DeviceSelect } from './DeviceSelect.tsx';
import { VoiceInput } from './VoiceInput.tsx';
import type { FieldSpec } from './fields.ts';

interface Props {
  field: FieldSpec;
  value: string | boolean;
  dirty: boolean;
  error: string | undefined;
  disabled: boolean;
  /** The environment variable that sets this key, if one does. */
  setBy?: string;
  onChange(value: string | boolean): void;
}

/** One config key as the input its schema type calls for, with its schema error beside it. */
export function ConfigField({ field, value, dirty, error, disabled, setBy, onChange }: Props) {
  const id = `cfg-${field.path.replace(/\./g, '-')}`;
  const about = field.description ?? (field.kind === 'number' ? range(field.min, field.max) : null);
  const hint = setBy ? `Set by the environment variable ${setBy}: unset it to change ${field.key} here.` : about;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-err` : null].filter(Boolean).join(' ') || undefined;
  const common = { id, disabled, 'aria-invalid': error ? true : undefined, 'aria-describedby': described, 'data-testid': id };

  let input;
  if (field.kind === 'boolean') {
    input = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />;
  } else if (field.kind === 'enum') {
    input = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {field.options.map((o) => (
          <option key={o} value={o}>
            {o === '' ? '(not set)' : o}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'device') {
    input = <DeviceSelect direction={field.direction} {...common} value={String(value)} onChange={onChange} />;
  } else if (field.kind === 'voice') {
    input = <VoiceInput {...common} value={String(value)} onChange={onChange} />;
  } else if (field.kind === 'number') {
    input = <input type="number" inputMode="decimal" step="any" {...common} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
  } else {
    const secret = field.kind === 'string' && field.secret;
    input = (
      <input
        type={secret ? 'password' : 'text'}
        autoComplete="off"
        placeholder={secret ? 'unchanged (never shown)' : field.kind === 'list' ? 'comma-separated' : undefined}
        {...common}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }

  return (
    <div className={`field${dirty ? ' dirty' : ''}`}>
      <label htmlFor={id}>{field.kind === 'device' ? `${field.label} (${field.key})` : field.key}</label>
      {input}
      {hint && (
        <small id={`${id}-hint`} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-err`} role="alert" className="inline-error">
          {error}
        </small>
      )}
    </div>
  );
}

function range(min: number | null, max: number | null): string | null {
  if (min === null && max === null) return null;
  return `${min ?? '…'} to ${max ?? '…'}`;
}
