import { useCallback, useEffect, useState, type SelectHTMLAttributes } from 'react';
import { useClient } from '../../client/client-context.ts';
import { errorText, type Answer } from '../../client/kiwi-client.ts';

type Devices = Answer<'audioDevices'>;

const MODES: Record<'inputs' | 'outputs', Array<[string, string]>> = {
  inputs: [
    ['auto', 'Automatic (the default microphone, if any)'],
    ['system', 'System default (required)'],
    ['none', 'None (browsers and the desktop app only)'],
  ],
  outputs: [
    ['auto', 'Automatic (the default speaker, if any)'],
    ['system', 'System default (required)'],
    ['none', 'None (browsers and the desktop app only)'],
  ],
};

/** The server's sound devices (GET /api/audio/devices), loaded once per editor and on Refresh. */
function useServerDevices() {
  const client = useClient();
  const [devices, setDevices] = useState<Devices | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => client.call('audioDevices').then(setDevices, (err: unknown) => setError(errorText(err))), [client]);
  useEffect(() => void load(), [load]);
  const refresh = () => {
    setError(null);
    void load();
  };
  return { devices, error, refresh };
}

interface Props extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  direction: 'inputs' | 'outputs';
  value: string;
  onChange(value: string): void;
}

/**
 * config audio.input / audio.output as a picker: the modes, then every device the server's sound
 * stack lists (the default marked). A configured device that is not connected now stays selectable.
 */
export function DeviceSelect({ direction, value, onChange, ...select }: Props) {
  const { devices, error, refresh } = useServerDevices();
  const listed = devices?.[direction] ?? [];
  const missing = value !== '' && !MODES[direction].some(([id]) => id === value) && !listed.some((d) => d.id === value);
  return (
    <>
      <span className="device-select">
        <select {...select} value={value} onChange={(e) => onChange(e.target.value)}>
          {MODES[direction].map(([id, text]) => (
            <option key={id} value={id}>
              {text}
            </option>
          ))}
          {listed.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
              {d.default ? ' (system default)' : ''}
            </option>
          ))}
          {missing && <option value={value}>{value} (not connected)</option>}
        </select>
        <button type="button" onClick={refresh} aria-label={`Refresh the ${direction === 'inputs' ? 'microphone' : 'output device'} list`}>
          ↻
        </button>
      </span>
      <small className="muted">
        {error
          ? `The device list could not be loaded: ${error}`
          : devices && devices.stack === null
            ? 'Kiwi found no sound server or sound card on this computer.'
            : devices
              ? `${listed.length} ${direction === 'inputs' ? 'microphone' : 'output device'}${listed.length === 1 ? '' : 's'} on Kiwi's computer (${devices.stack === 'pulse' ? 'PulseAudio / PipeWire' : 'ALSA'})`
              : 'Loading devices…'}
      </small>
    </>
  );
}
