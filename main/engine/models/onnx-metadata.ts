import fsp from 'node:fs/promises';

/**
 * Add `metadata_props` entries to an ONNX file. An ONNX model is one protobuf message
 * (ModelProto), and protobuf merges concatenated messages, appending repeated fields; so adding
 * entries is appending field 14 (StringStringEntryProto {key = 1, value = 2}) to the file. This
 * is how Kiwi gives upstream models the metadata sherpa-onnx reads, without Python tooling.
 */
export async function appendOnnxMetadata(file: string, entries: Record<string, string>): Promise<void> {
  const chunks = Object.entries(entries).map(([key, value]) =>
    lengthDelimited(14, Buffer.concat([lengthDelimited(1, Buffer.from(key)), lengthDelimited(2, Buffer.from(value))])),
  );
  await fsp.appendFile(file, Buffer.concat(chunks));
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
