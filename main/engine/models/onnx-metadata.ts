import fsp from 'node:fs/promises';
import { lengthDelimited } from '../../platform/protobuf-write.ts';

/**
 * Add `metadata_props` entries to an ONNX file. An ONNX model is one protobuf message
 * (ModelProto), and protobuf merges concatenated messages, appending repeated fields; so adding
 * entries is appending field 14 (StringStringEntryProto {key = 1, value = 2}) to the file. This
 * is how Kiwi gives upstream models the metadata sherpa-onnx reads, without Python tooling.
 */
export async function appendOnnxMetadata(file: string, entries: Record<string, string>): Promise<void> {
  const chunks = Object.entries(entries).flatMap(([key, value]) =>
    lengthDelimited(14, Buffer.concat([...lengthDelimited(1, Buffer.from(key)), ...lengthDelimited(2, Buffer.from(value))])),
  );
  await fsp.appendFile(file, Buffer.concat(chunks));
}
