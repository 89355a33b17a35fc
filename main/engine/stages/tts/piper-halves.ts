import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../platform/atomic-write.ts';
import { splitOnnxGraph } from './onnx-split.ts';

/** Beside the voice: its two halves and what they were cut from. */
const HALVES_DIR = '.kiwi-halves';
/** Why a folder cannot take the halves: read-only, full, or a file where the folder would be. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOTDIR']);

/** Where onnxruntime loads each half from: a file, or the bytes when the folder cannot be written. */
export interface VoiceHalves {
  front: string | Uint8Array;
  decoder: string | Uint8Array;
  /** Why they are bytes, not files (the voice then holds about its own size more, ~60 MB for a medium voice). */
  inMemory?: string;
}

/**
 * A Piper voice cut in two before its decoder (onnx-split.ts), kept as files beside it: made on the
 * first load, then handed to onnxruntime by path. So a start never holds the ~60 MB voice in the
 * worker's JS memory, which it gives back only when V8 next collects (idle RSS depended on when
 * that was). A changed voice file (size, time) is cut again. null: the voice does not cut cleanly.
 */
export async function voiceHalves(onnx: string, prefix: string): Promise<VoiceHalves | null> {
  const dir = path.join(path.dirname(onnx), HALVES_DIR);
  const files = { front: path.join(dir, 'front.onnx'), decoder: path.join(dir, 'decoder.onnx') };
  const marker = path.join(dir, 'source.json');
  const { size, mtimeMs } = await fsp.stat(onnx);
  const source = JSON.stringify({ file: path.basename(onnx), size, mtimeMs, prefix });
  const known = await fsp.readFile(marker, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null; // not cut yet (or a file is in the folder's place)
    throw err;
  });
  const cut = known ? (JSON.parse(known) as { source?: string; split?: boolean }) : null;
  if (cut?.source === source && (!cut.split || (await exists(files.front) && (await exists(files.decoder))))) return cut.split ? files : null;

  const split = splitOnnxGraph(await fsp.readFile(onnx), prefix);
  try {
    if (split) {
      await writeFileAtomic(files.front, split.front);
      await writeFileAtomic(files.decoder, split.back);
    }
    await writeFileAtomic(marker, JSON.stringify({ source, split: split !== null }));
  } catch (err) {
    // The halves only save memory: where they cannot be written, they are loaded from memory on every start.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (!UNWRITABLE.has(code)) throw err;
    return split ? { front: split.front, decoder: split.back, inMemory: `the voice's two halves cannot be written to ${dir} (${code}): loaded from memory on every start, which holds about the voice's size more memory` } : null;
  }
  return split ? files : null;
}

function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(
    () => true,
    () => false,
  );
}
