/** Download progress as the server broadcasts it and the CLI draws it. */
export type ModelDownloadEventName =
  | 'MODEL_DOWNLOAD_STARTED'
  | 'MODEL_DOWNLOAD_PROGRESS'
  | 'MODEL_DOWNLOAD_COMPLETED'
  | 'MODEL_DOWNLOAD_FAILED';

export interface ModelDownloadEvent {
  event: ModelDownloadEventName;
  data: {
    id: string;
    file?: string;
    bytes?: number;
    total?: number | null;
    rate_bps?: number;
    eta_s?: number | null;
    path?: string;
    error?: string;
  };
}
