import { z } from 'zod';
import { LanguageCode } from './languages.ts';

/** GET /api/models: the catalog with what is installed (main/engine/models/list.ts). */
export const ModelId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'a model id looks like silero-vad');
export const ModelInfo = z.object({
  id: ModelId,
  name: z.string(),
  task: z.string(),
  engine: z.string(),
  languages: z.array(z.string()),
  license: z.string(),
  commercial_use: z.boolean(),
  size_bytes: z.number().int(),
  default_for: z.array(z.string()),
  installed: z.boolean(),
  verifiable: z.boolean().describe('every file has a published sha256 (others need trust_unverified)'),
  downloading: z.boolean(),
});
export const ModelList = z.object({ models: z.array(ModelInfo) });
export const ModelParams = z.object({ id: ModelId });
export const ModelDownloadBody = z
  .object({ trust_unverified: z.boolean().describe('install files the catalog has no sha256 for') })
  .partial()
  .strict();
export const ModelDownloadStarted = z.object({
  status: z
    .enum(['downloading', 'installed'])
    .describe('downloading: under way, progress as MODEL_DOWNLOAD_* events; installed: it already was and its files verify, nothing is fetched'),
  id: ModelId,
});

export const ModelDownloadCancelled = z.object({
  status: z.literal('cancelled').describe('stopped; what was fetched is kept, so downloading it again resumes'),
  id: ModelId,
});

export const ModelDeleted = z.object({
  deleted: ModelId.describe('the model removed from the models folder (it can be downloaded again)'),
  freed_bytes: z.number().int().describe('disk space freed: the installed files and any partial download of them'),
});

/** First run: the model set the configured language needs, per engine part. */
export const SetupPlan = z.object({
  language: LanguageCode,
  stages: z.array(
    z.object({
      stage: z.enum(['vad', 'wake', 'stt', 'speaker', 'tts']).describe('engine part (the transcript wake word and the system voice need no model)'),
      ready: z.string().nullable().describe('the installed model this part runs on, if any'),
      model: ModelInfo.nullable().describe('when `ready` is null: the catalog model to download for the language (null: the catalog has none for it)'),
    }),
  ),
  download_bytes: z.number().int().describe('total size of the recommended models not installed yet'),
});
export const SetupDownloadStarted = z.object({
  status: z.literal('downloading'),
  ids: z.array(ModelId).describe('models downloading now (empty: everything recommended is installed)'),
  bytes: z.number().int(),
});

/** OpenAI-compatible LLM servers running on this computer (loopback only), found by their model lists. */
export const LocalLlmKind = z.enum(['ollama', 'lmstudio', 'llamacpp']);
export const LocalLlmServers = z.object({
  servers: z.array(
    z.object({
      kind: LocalLlmKind,
      name: z.string().describe('Ollama, LM Studio or llama.cpp'),
      port: z.number().int(),
      base_url: z.string().describe('the llm.base_url to use it (llm.provider openai)'),
      models: z.array(z.string()).describe('the models it serves, as llm.model takes them'),
    }),
  ),
  checked: z
    .array(z.object({ kind: LocalLlmKind, port: z.number().int(), error: z.string().nullable() }))
    .describe('every port asked on 127.0.0.1 and why nothing usable answered there (null: found)'),
});
