import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { appRoot } from '../platform/paths.ts';

/**
 * electron-builder cannot run here (it downloads Electron), so its config is held to what the
 * packages need: the four targets, native addons outside app.asar, no models inside, the icons.
 * Patterns are matched with Node's glob matcher, as electron-builder matches them (minimatch).
 */
interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  directories: { output: string };
  linux: { target: string[]; icon: string; files: string[] };
  mac: { target: string; icon: string; hardenedRuntime: boolean; extendInfo: Record<string, string>; files: string[] };
  win: { target: string; icon: string; files: string[] };
  electronFuses: Record<string, boolean>;
}

const config = YAML.parse(fs.readFileSync(path.join(appRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(fs.readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
const matches = (file: string, pattern: string) => path.matchesGlob(file, pattern);

/** electron-builder's rule: a file is packed when the last pattern that matches it is not a negation. */
function packed(file: string, patterns: string[]): boolean {
  let included = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matches(file, pattern.slice(1))) included = false;
    } else if (matches(file, pattern)) included = true;
  }
  return included;
}

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(appRoot, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(appRoot, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (keep(rel)) out.push(rel);
  }
  return out;
}

describe('electron-builder.yml', () => {
  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.directories.output).toBe('dist/release');
  });

  it('packs the built shell, renderer and resources, and the entry point package.json names', () => {
    expect(pkg.main).toBe('dist/desktop/main.mjs');
    for (const file of [pkg.main, 'dist/desktop/preload.cjs', 'dist/desktop/whisper-worker.mjs', 'dist/desktop/piper-worker.mjs', 'dist/desktop/ge2e-worker.mjs', 'dist/renderer/desktop.html', 'dist/renderer/index.html', 'resources/models/catalog.json', 'resources/souls/default.md', 'resources/icons/tray-idle.png', 'package.json']) {
      expect(packed(file, config.files), file).toBe(true);
    }
    for (const file of ['dist/desktop/main.mjs.map', 'main/desktop/main.ts', 'dist/release/Kiwi.AppImage', 'resources/icons/make-icons.mjs']) {
      expect(packed(file, config.files), file).toBe(false);
    }
  });

  it('keeps every native addon and shared library of the runtime dependencies out of app.asar', () => {
    const native = filesUnder('node_modules', (f) =>
      /^node_modules\/(sherpa-onnx-[^/]+|onnxruntime-node|libsql|@libsql\/[^/]+)\//.test(f) && /\.(node|so(\.\d+)*|dylib|dll)$/.test(f),
    );
    expect(native.some((f) => f.startsWith('node_modules/sherpa-onnx-'))).toBe(true);
    expect(native.some((f) => f.startsWith('node_modules/onnxruntime-node/bin/'))).toBe(true);
    expect(native.some((f) => f.startsWith('node_modules/@libsql/'))).toBe(true);
    for (const file of native) expect(config.asarUnpack.some((p) => matches(file, p)), file).toBe(true);
    // The JS loaders next to them are unpacked too, so relative requires of the addon resolve.
    // ... and so are Piper's phonemizer (espeak-ng in WebAssembly) and the data it reads with plain fs calls.
    for (const file of ['node_modules/sherpa-onnx-node/addon.js', 'node_modules/libsql/index.js', 'node_modules/piper-phonemize/espeak-ng-data/en_dict']) {
      expect(config.asarUnpack.some((p) => matches(file, p)), file).toBe(true);
    }
    expect(config.npmRebuild).toBe(false); // Node-API addons: no rebuild against Electron's headers
    for (const dep of ['sherpa-onnx-node', 'onnxruntime-node', 'libsql']) expect(pkg.dependencies[dep], dep).toBeDefined();
  });

  it('ships no model: weights are excluded wherever they are, and the test models folder is out', () => {
    for (const file of [
      '.kiwi-test/models/silero-vad/silero_vad.onnx',
      'resources/models/kokoro/model.onnx',
      'resources/some-model.ort',
      'node_modules/some-dep/weights/model.onnx',
      'dist/renderer/model.gguf',
      'resources/models/whisper/encoder.bin',
    ]) {
      expect(packed(file, config.files), file).toBe(false);
    }
    const modelFiles = filesUnder('resources', (f) => /\.(onnx|ort|gguf|safetensors|bin)$/.test(f));
    expect(modelFiles).toEqual([]);
  });

  it('ships each platform only its own onnxruntime binaries', () => {
    const binary = (os: string) => `node_modules/onnxruntime-node/bin/napi-v6/${os}/x64/onnxruntime_binding.node`;
    const own = { linux: 'linux', mac: 'darwin', win: 'win32' } as const;
    for (const [platform, os] of Object.entries(own) as Array<[keyof typeof own, string]>) {
      const excludes = config[platform].files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
      expect(excludes.some((p) => matches(binary(os), p)), `${platform} keeps its own`).toBe(false);
      for (const other of Object.values(own).filter((o) => o !== os)) {
        expect(excludes.some((p) => matches(binary(other), p)), `${platform} drops ${other}`).toBe(true);
      }
    }
  });

  it('has the icons it names, the macOS microphone text, and locked-down Electron fuses', () => {
    for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) {
      const file = path.join(appRoot, icon);
      expect(fs.existsSync(file), icon).toBe(true);
      expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    }
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/on this computer/);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });
});
