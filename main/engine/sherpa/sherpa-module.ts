import { createRequire } from 'node:module';

/**
 * sherpa-onnx-node is CommonJS with a native addon and ships no type declarations: this is the
 * typed door to it. It is loaded on first use, so processes that never run a model never load it.
 */
const require = createRequire(import.meta.url);
let loaded: unknown;
let addon: unknown;

export function sherpa<T>(): T {
  loaded ??= require('sherpa-onnx-node');
  return loaded as T;
}

/** The native addon itself, for what the package's wrappers do not pass on. */
export function sherpaAddon<T>(): T {
  addon ??= require('sherpa-onnx-node/addon.js');
  return addon as T;
}
