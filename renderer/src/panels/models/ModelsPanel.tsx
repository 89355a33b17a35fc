import { useState } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ModelRow } from './ModelRow.tsx';

/** Installed and available models; downloads run on the server and report progress as events. */
export function ModelsPanel() {
  const client = useClient();
  const models = useDashboard((s) => s.data.models?.models);
  const downloads = useDashboard((s) => s.downloads);
  const canAdmin = useCan('admin');
  const [task, setTask] = useState('');
  const [installedOnly, setInstalledOnly] = useState(false);
  const { busy, error, run } = useAction();
  const tasks = [...new Set(models?.map((m) => m.task))];
  const shown = (models ?? []).filter((m) => (!task || m.task === task) && (!installedOnly || m.installed));
  const installed = models?.filter((m) => m.installed).length ?? 0;

  return (
    <Panel id="models" title="Models">
      <div className="row">
        <label>
          Task{' '}
          <select value={task} onChange={(e) => setTask(e.target.value)}>
            <option value="">all</option>
            {tasks.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={installedOnly} onChange={(e) => setInstalledOnly(e.target.checked)} /> installed only
        </label>
        <span className="muted" data-testid="models-summary">
          {installed} of {models?.length ?? 0} installed
        </span>
        {canAdmin && (
          <button type="button" disabled={busy} onClick={() => void run(() => client.call('restart'))} title="Rebuild every engine part and reload souls (installed models are picked up by themselves)">
            Restart engine
          </button>
        )}
      </div>
      {!canAdmin && <p className="muted">Downloading models needs the admin scope.</p>}
      <InlineError error={error} />
      <div className="table-wrap">
        <table>
          {/* The table's name for screen readers (the panel's heading is outside it); it says what the filters leave. */}
          <caption className="sr-only">
            Models in the catalog{task ? `, task ${task}` : ''}
            {installedOnly ? ', installed only' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Task</th>
              <th scope="col">Languages</th>
              <th scope="col">Size</th>
              <th scope="col">License</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <ModelRow
                key={m.id}
                model={m}
                progress={downloads[m.id]}
                canAdmin={canAdmin}
                busy={busy}
                onDownload={() => void run(() => client.call('downloadModel', { params: { id: m.id }, body: {} }))}
                onCancel={() => void run(() => client.call('cancelModelDownload', { params: { id: m.id } }))}
                onDelete={() => run(() => client.call('deleteModel', { params: { id: m.id } }))}
              />
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}
