const FLOOR_DB = -60;

/** Input level in dBFS as a native <meter> (screen readers read its value) plus the number. */
export function LevelMeter({ db, id = 'mic-level', label = 'Input level' }: { db: number; id?: string; label?: string }) {
  const shown = Math.max(FLOOR_DB, Math.min(0, db));
  return (
    <div className="row">
      <label htmlFor={id}>{label}</label>
      <meter id={id} data-testid={id} min={FLOOR_DB} max={0} low={-30} high={-6} optimum={-20} value={shown} data-db={db.toFixed(1)} />
      <span className="muted small">{db <= -100 ? 'silent' : `${db.toFixed(0)} dBFS`}</span>
    </div>
  );
}
