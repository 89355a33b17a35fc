import * as api from './api.ts';
import { route } from './route-spec.ts';

/** The model catalog, first-run setup and local LLM servers. */
export const modelRoutes = {
  listModels: route({ method: 'get', path: '/api/models', scope: 'read', summary: 'Catalog models: installed, available, downloading', response: api.ModelList, errors: [] }),
  downloadModel: route({
    method: 'post',
    path: '/api/models/{id}/download',
    scope: 'admin',
    summary: "Download, verify and install a model in the background (progress as MODEL_DOWNLOAD_* events); status 'installed' when it already is",
    params: api.ModelParams,
    body: api.ModelDownloadBody,
    response: api.ModelDownloadStarted,
    errors: [404, 409, 503],
  }),
  cancelModelDownload: route({
    method: 'delete',
    path: '/api/models/{id}/download',
    scope: 'admin',
    summary: 'Stop a running model download (MODEL_DOWNLOAD_FAILED says cancelled); what was fetched is kept, so a new download resumes',
    params: api.ModelParams,
    response: api.ModelDownloadCancelled,
    errors: [404, 409],
  }),
  deleteModel: route({
    method: 'delete',
    path: '/api/models/{id}',
    scope: 'admin',
    summary:
      'Delete an installed model and free its disk space (MODEL_DELETED); 409 model_in_use while the engine runs on it, download_running while it downloads, not_installed when there is nothing to delete',
    params: api.ModelParams,
    response: api.ModelDeleted,
    errors: [404, 409],
  }),
  setupPlan: route({
    method: 'get',
    path: '/api/setup',
    scope: 'read',
    summary: "First run: the models the configured language needs (the ones 'auto' picks), which are installed, and the download size",
    response: api.SetupPlan,
    errors: [503],
  }),
  setupDownload: route({
    method: 'post',
    path: '/api/setup/download',
    scope: 'admin',
    summary: 'Download, verify and install every recommended model not installed yet, then rebuild the engine with them (progress as MODEL_DOWNLOAD_* events)',
    response: api.SetupDownloadStarted,
    errors: [409, 503],
  }),
  localLlms: route({
    method: 'get',
    path: '/api/llm/local',
    scope: 'read',
    summary: "LLM servers running on this computer: Ollama (11434), LM Studio (1234), llama.cpp (8080) on 127.0.0.1 only (ports: llm.local_ports), with their models",
    response: api.LocalLlmServers,
    errors: [],
  }),
} as const;
