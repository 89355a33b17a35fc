import { useState } from 'react';
import type { Answer } from '../../client/kiwi-client.ts';
import type { DownloadProgress } from '../../store/downloads.ts';
import { formatBytes, formatEta } from '../../../../main/engine/models/progress.ts';

type Model = Answer<'listModels'>['models'][number];

interface Props {
  model: Model;
  progress: DownloadProgress | undefined;
  canAdmin: boolean;
  busy: boolean;
  onDownload(): void;
  onCancel(): void;
  onDelete(): void;
}

/** One catalog model: what it is, whether it is here, and its download progress. */
export function ModelRow({ model, progress, canAdmin, busy, onDownload, onCancel, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
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
      <td>
        {model.installed ? (
          <>
            <span className="badge ok">installed</span>
            {canAdmin &&
              (confirming ? (
                <>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy}
                    onClick={() => {
                      setConfirming(false);
                      onDelete();
                    }}
                  >
                    Really delete {model.name}
                  </button>
                  <button type="button" onClick={() => setConfirming(false)} aria-label={`Keep ${model.name}`}>
                    Keep
                  </button>
                </>
              ) : (
                <button type="button" disabled={busy} onClick={() => setConfirming(true)} aria-label={`Delete ${model.name}`} title="Remove its files to free the disk; it can be downloaded again">
                  Delete
                </button>
              ))}
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
