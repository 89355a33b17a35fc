// Builds the desktop shell (Electron main + preload) with esbuild and the dashboard with Vite.
// Dependencies stay external: native addons (sherpa-onnx, onnxruntime, libsql) must load from node_modules.
import { build } from 'esbuild';
import { buildRenderer } from './ensure-renderer.mjs';

await build({
  // The Whisper, Piper and GE2E worker threads are files of their own beside main.mjs (see onnx-whisper.ts, piper-tts.ts).
  entryPoints: {
    main: 'main/desktop/main.ts',
    'whisper-worker': 'main/engine/stages/stt/whisper-worker-thread.ts',
    'piper-worker': 'main/engine/stages/tts/piper-worker-thread.ts',
    'ge2e-worker': 'main/engine/stages/speaker/ge2e-worker-thread.ts',
  },
  outdir: 'dist/desktop',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
});
// A sandboxed preload must be one CommonJS file.
await build({
  entryPoints: { preload: 'preload/preload.ts' },
  outdir: 'dist/desktop',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  external: ['electron'],
});
process.exit(buildRenderer());
