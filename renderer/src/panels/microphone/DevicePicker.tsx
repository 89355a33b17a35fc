import { useEffect, useRef, useState } from 'react';
import { explainMicrophoneError, startCapture, type Capture } from '../../audio/capture.ts';
import { useMediaDevices, watchMediaDevices } from '../../audio/devices.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { LevelMeter } from './LevelMeter.tsx';

/** How often the test meter redraws. */
const LEVEL_EVERY_MS = 100;

/**
 * Which of this computer's microphones and speakers Kiwi uses here (in this browser, or in the
 * desktop app). The choice is remembered per browser; the lists follow devices plugged in and out.
 */
export function DevicePicker({ idPrefix = 'browser' }: { idPrefix?: string }) {
  const { inputs, outputs, input, output, canPickOutput, setInput, setOutput } = useMediaDevices();
  useEffect(() => watchMediaDevices(), []);
  return (
    <div className="fields">
      <DeviceSelect id={`${idPrefix}-mic`} label="Microphone" kind="microphone" devices={inputs} value={input} onChange={setInput} />
      <DeviceSelect
        id={`${idPrefix}-speaker`}
        label="Output device"
        kind="speaker"
        devices={outputs}
        value={output}
        onChange={setOutput}
        disabledWhy={canPickOutput ? undefined : 'this browser plays on its default speaker only'}
      />
      {inputs.length > 0 && inputs.every((d) => /^Microphone \d+$/.test(d.name)) && (
        <p className="muted small">The names appear once this page may use the microphone (start it or test it once).</p>
      )}
    </div>
  );
}

interface DeviceSelectProps {
  id: string;
  label: string;
  kind: 'microphone' | 'speaker';
  devices: { id: string; name: string }[];
  value: string;
  onChange(id: string): void;
  /** Set when this browser cannot choose (the select is disabled and says why). */
  disabledWhy?: string;
}

/** One device list: the system default first, and a chosen device that is unplugged now still shown as chosen. */
function DeviceSelect({ id, label, kind, devices, value, onChange, disabledWhy }: DeviceSelectProps) {
  const unplugged = value !== '' && devices.length > 0 && !devices.some((d) => d.id === value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} disabled={disabledWhy !== undefined} title={disabledWhy} onChange={(e) => onChange(e.target.value)}>
        <option value="">The system's default {kind}</option>
        {devices.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
        {unplugged && <option value={value}>The chosen {kind} (not connected)</option>}
      </select>
    </div>
  );
}

/**
 * "Is this microphone alive?": opens the chosen microphone for the level meter only (nothing goes
 * to Kiwi), until Stop or leaving the page. For where the microphone is not streaming already.
 */
export function MicrophoneTest({ idPrefix = 'browser' }: { idPrefix?: string }) {
  const input = useMediaDevices((s) => s.input);
  const [on, setOn] = useState(false);
  const [db, setDb] = useState(-100);
  const [error, setError] = useState<string | null>(null);
  const capture = useRef<Capture | null>(null);

  useEffect(() => {
    if (!on) return;
    let cancelled = false;
    let last = 0;
    startCapture((_pcm, level) => {
      const now = performance.now();
      if (now - last < LEVEL_EVERY_MS) return;
      last = now;
      setDb(level);
    }, input).then(
      (started) => {
        if (cancelled) void started.stop();
        else capture.current = started;
        void useMediaDevices.getState().refresh();
      },
      (err: unknown) => {
        if (cancelled) return;
        setError(explainMicrophoneError(err).message);
        setOn(false);
      },
    );
    return () => {
      cancelled = true;
      void capture.current?.stop();
      capture.current = null;
      setDb(-100);
    };
  }, [on, input]);

  return (
    <>
      <div className="row">
        <button type="button" aria-pressed={on} onClick={() => {
            setError(null);
            setOn(!on);
          }} data-testid={`${idPrefix}-mic-test`}>
          {on ? 'Stop the test' : 'Test the microphone'}
        </button>
        <LevelMeter db={db} id={`${idPrefix}-mic-test-level`} label="Test level" />
      </div>
      <InlineError error={error} />
    </>
  );
}
