import { z } from 'zod';

/** What a model does inside Kiwi's voice pipeline. */
export const MODEL_TASKS = ['vad', 'wake', 'stt', 'speaker', 'tts', 'denoise', 'punct'] as const;

/** Which runtime adapter loads a model; the voice engine picks its loader by this name. */
export const MODEL_ENGINES = [
  'sherpa-vad',
  'sherpa-kws',
  'openwakeword',
  'sherpa-offline-stt',
  'sherpa-online-stt',
  'sherpa-speaker',
  'sherpa-tts-kokoro',
  'sherpa-tts-vits',
  'sherpa-tts-matcha',
  'sherpa-tts-kitten',
  'sherpa-denoise',
  'sherpa-punct',
  // onnxruntime-node adapters for models published outside sherpa-onnx's format
  'onnx-whisper',
  'onnx-ge2e',
  'onnx-piper',
] as const;

/** The 15 languages Kiwi speaks, plus `multi` for language-independent models (VAD, speaker). */
export const KIWI_LANGUAGES = ['en', 'ru', 'es', 'pt', 'fr', 'it', 'de', 'tr', 'pl', 'zh', 'ja', 'ko', 'hi', 'ar', 'id'] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');

/** https everywhere; plain http only to a loopback host (a local mirror or a test server). */
const downloadUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false; // not a URL at all: the refine's message says so
  }
}, 'url must be https (or http to a loopback host)');

/** A relative path that stays inside the model folder. */
const relativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'path must stay inside the model folder');

export const CatalogFileSchema = z
  .object({
    url: downloadUrl,
    sha256: sha256Hex.nullable(),
    /** Where the hash was published (so a reviewer can re-check it). */
    sha256_source: z.string().optional(),
    /** Why `sha256` is null: such files install only with --trust-unverified. */
    sha256_note: z.string().optional(),
    size: z.number().int().positive().nullable(),
    /** Set for archives: they are unpacked into the model folder. */
    archive: z.enum(['tar.bz2', 'tar.gz', 'zip']).optional(),
    /** Folder inside the archive to take (after dropping a single top-level folder). */
    extract: relativePath.optional(),
    /** Where the file (or the extracted folder) goes inside the model folder. */
    dest: relativePath.optional(),
  })
  .strict()
  .refine((f) => f.sha256 !== null || Boolean(f.sha256_note), {
    message: 'a file without sha256 must say why in sha256_note',
  });

export const CatalogModelSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id: lowercase letters, digits, dot, dash, underscore'),
    name: z.string().min(1),
    task: z.enum(MODEL_TASKS),
    engine: z.enum(MODEL_ENGINES),
    languages: z.array(z.union([z.enum(KIWI_LANGUAGES), z.literal('multi'), z.string().regex(/^[a-z]{2,3}$/)])).min(1),
    license: z.string().min(1),
    /** False when the weights forbid commercial use (e.g. openWakeWord's pretrained heads). */
    commercial_use: z.boolean(),
    size_bytes: z.number().int().positive(),
    description: z.string().min(1),
    /** Language codes this model is the default for, and/or `low-end` for weak machines. */
    default_for: z.array(z.string()).default([]),
    streaming: z.boolean().optional(),
    /** Engine settings: paths relative to the model folder and engine options. */
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
    /** A conversion Kiwi runs after unpacking (e.g. piper voices need sherpa metadata). */
    post_install: z.enum(['piper-to-sherpa']).optional(),
    files: z.array(CatalogFileSchema).min(1),
  })
  .strict();

export const CatalogSchema = z
  .object({
    version: z.literal(1),
    models: z.array(CatalogModelSchema).min(1),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.models.forEach((model, index) => {
      if (seen.has(model.id)) {
        ctx.addIssue({ code: 'custom', message: `duplicate model id '${model.id}'`, path: ['models', index, 'id'] });
      }
      seen.add(model.id);
    });
  });

export type Catalog = z.infer<typeof CatalogSchema>;
export type CatalogModel = z.infer<typeof CatalogModelSchema>;
export type CatalogFile = z.infer<typeof CatalogFileSchema>;
export type ModelTask = (typeof MODEL_TASKS)[number];
