import { useRef } from 'react';
import type { Answer } from '../../client/kiwi-client.ts';
import type { DownloadProgress } from '../../store/downloads.ts';
import { ConfirmStep } from '../../ui/ConfirmStep.tsx';
import { useFocusStaysIn } from '../../ui/use-focus-stays-in.ts';
import { formatBytes, formatEta } from '../../../../main/engine/models/progress.ts';

type Model = Answer<'listModels'>['models'][number];

interface Props {
  model: Model;
  progress: DownloadProgress | undefined;
  canAdmin: boolean;
  busy: boolean;
  onDownload(): void;
  onCancel(): void;
  /** Resolves false when the delete failed (the error shows in the panel). */
  onDelete(): Promise<boolean>;
}

/**
 * One catalog model: what it is, whether it is here, and its download progress. Its status cell
 * keeps the keyboard focus as Download turns into progress with Cancel, and that into Delete.
 */
export function ModelRow({ model, progress, canAdmin, busy, onDownload, onCancel, onDelete }: Props) {
  const status = useRef<HTMLTableCellElement>(null);
  useFocusStaysIn(status);
  const running = model.downloading || progress?.phase === 'running';
  const fraction = progress?.total ? Math.min(1, progress.bytes / progress.total) : null;
  return (
    <tr data-testid={`model-${model.id}`} data-installed={model.installed}>
      <th scope="row">
        {model.name}
        <div className="muted small">{model.id}</div>
      </th>
      <td>{model.task}</td>
      <td>{model.languages.join(', ')}</td>
      <td>{formatBytes(model.size_bytes)}</td>
      <td>
        {model.license}
        {!model.commercial_use && <div className="badge">non-commercial</div>}
      </td>
      <td ref={status}>
        {model.installed ? (
          <>
            <span className="badge ok">installed</span>
            {canAdmin && (
              <ConfirmStep
                trigger={{ text: 'Delete', label: `Delete ${model.name}`, disabled: busy, title: 'Remove its files to free the disk; it can be downloaded again' }}
                question={`Delete ${model.name}?`}
                confirm={{ text: `Really delete ${model.name}` }}
                keep={{ label: `Keep ${model.name}` }}
                busy={busy}
                onConfirm={onDelete}
              />
            )}
          </>
        ) : running ? (
          <div className="progress" data-testid={`progress-${model.id}`}>
            <progress max={1} value={fraction ?? undefined} aria-label={`Downloading ${model.name}`} />
            <span className="small">
              {fraction !== null ? `${Math.floor(fraction * 100)}% ` : ''}
              {formatBytes(progress?.bytes ?? 0)}
              {progress?.total ? ` of ${formatBytes(progress.total)}` : ''} · {formatBytes(progress?.rateBps ?? 0)}/s · ETA {formatEta(progress?.etaS ?? null)}
            </span>
            {canAdmin && (
              <button type="button" disabled={busy} onClick={onCancel} aria-label={`Cancel the download of ${model.name}`} title="Stop; downloading it again resumes">
                Cancel
              </button>
            )}
          </div>
        ) : (
          <button
            type="button"
            disabled={!canAdmin || busy}
            title={!canAdmin ? 'needs the admin scope' : model.verifiable ? undefined : 'no published checksum: the server will refuse it unless trusted'}
            onClick={onDownload}
            aria-label={`Download ${model.name}`}
          >
            Download
          </button>
        )}
        {progress?.phase === 'failed' && !model.installed && (
          <p role="alert" className="inline-error small">
            {progress.error}
          </p>
        )}
      </td>
    </tr>
  );
}
