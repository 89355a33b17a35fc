import fsp from 'node:fs/promises';
import { KiwiError } from '../../../platform/errors.ts';

/**
 * Read the `metadata_props` of an ONNX file (ModelProto field 14, StringStringEntryProto
 * {key = 1, value = 2}) without loading the model: walk the top-level protobuf fields, skipping
 * the large ones (the graph) by their length. sherpa-onnx keeps a model's speaker names there
 * (Kokoro: `speaker_names`), which is how a voice name becomes a speaker id.
 */
export async function readOnnxMetadata(file: string): Promise<Record<string, string>> {
  const handle = await fsp.open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const out: Record<string, string> = {};
    let offset = 0;
    const head = Buffer.alloc(20);
    while (offset < size) {
      const { bytesRead } = await handle.read(head, 0, head.length, offset);
      const tag = readVarint(head.subarray(0, bytesRead), 0, file);
      const field = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      let at = offset + tag.length;
      if (wire === 0) {
        const v = readVarint(head.subarray(0, bytesRead), tag.length, file);
        offset = at + v.length;
      } else if (wire === 1) {
        offset = at + 8;
      } else if (wire === 5) {
        offset = at + 4;
      } else if (wire === 2) {
        const len = readVarint(head.subarray(0, bytesRead), tag.length, file);
        at += len.length;
        if (at + len.value > size) throw corrupt(file);
        if (field === 14) {
          const entry = Buffer.alloc(len.value);
          await handle.read(entry, 0, len.value, at);
          const { key, value } = parseEntry(entry, file);
          out[key] = value;
        }
        offset = at + len.value;
      } else {
        throw corrupt(file);
      }
    }
    return out;
  } finally {
    await handle.close();
  }
}

function parseEntry(bytes: Buffer, file: string): { key: string; value: string } {
  let key = '';
  let value = '';
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at, file);
    at += tag.length;
    if (tag.value % 8 !== 2) throw corrupt(file);
    const len = readVarint(bytes, at, file);
    at += len.length;
    const text = bytes.subarray(at, at + len.value).toString('utf8');
    at += len.value;
    if (tag.value >> 3 === 1) key = text;
    else if (tag.value >> 3 === 2) value = text;
  }
  return { key, value };
}

function readVarint(bytes: Uint8Array, start: number, file: string): { value: number; length: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < bytes.length && i < start + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, length: i - start + 1 };
  }
  throw corrupt(file);
}

const corrupt = (file: string) => new KiwiError('model_corrupt', `${file} is not a readable ONNX model`, 500);
