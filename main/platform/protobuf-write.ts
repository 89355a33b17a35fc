/** The two protobuf encodings Kiwi writes into ONNX files (onnx-metadata.ts, onnx-split.ts). */

/** An unsigned varint (field tags, lengths, small integers). */
export function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** The tag and length that open a length-delimited field (a message, string or bytes) of `length` bytes. */
export function lengthHeader(field: number, length: number): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(length)]);
}

/** A length-delimited field as its parts (header, payload), so a caller joins a whole message once. */
export function lengthDelimited(field: number, payload: Buffer): Buffer[] {
  return [lengthHeader(field, payload.length), payload];
}
