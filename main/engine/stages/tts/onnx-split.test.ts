import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { appendOnnxMetadata } from '../../models/onnx-metadata.ts';
import { readOnnxMetadata } from './onnx-metadata.ts';
import { splitOnnxGraph } from './onnx-split.ts';

// A tiny ONNX writer: just the protobuf fields these examples need (field numbers from onnx.proto3).
function varint(n: number): Buffer {
  const bytes: number[] = [];
  for (; n > 0x7f; n = Math.floor(n / 128)) bytes.push((n & 0x7f) | 0x80);
  return Buffer.from([...bytes, n]);
}
const num = (field: number, n: number) => Buffer.concat([varint(field << 3), varint(n)]);
function bytes(field: number, ...parts: (Buffer | string)[]): Buffer {
  const payload = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

/** ValueInfoProto of a float tensor: a number is a fixed dimension, a string a symbolic one. */
const tensorInfo = (field: number, name: string, dims: (number | string)[]) =>
  bytes(field, bytes(1, name), bytes(2, bytes(1, num(1, 1), bytes(2, ...dims.map((d) => bytes(1, typeof d === 'number' ? num(1, d) : bytes(2, d)))))));
const input = (name: string, dims: (number | string)[]) => tensorInfo(11, name, dims);
const output = (name: string, dims: (number | string)[]) => tensorInfo(12, name, dims);
const valueInfo = (name: string, dims: (number | string)[]) => tensorInfo(13, name, dims);
const node = (name: string, op: string, inputs: string[], outputs: string[]) =>
  bytes(1, ...inputs.map((i) => bytes(1, i)), ...outputs.map((o) => bytes(2, o)), bytes(3, name), bytes(4, op));
/** A float initializer (TensorProto dims = 1, data_type = 2, name = 8, raw_data = 9). */
const initializer = (name: string, dims: number[], values: number[]) =>
  bytes(5, ...dims.map((d) => num(1, d)), num(2, 1), bytes(8, name), bytes(9, Buffer.from(Float32Array.from(values).buffer)));
/** ModelProto: ir_version 8, producer_name, opset 13, then the given top-level fields (graphs are field 7). */
const model = (...fields: Buffer[]) => Buffer.concat([num(1, 8), bytes(2, 'kiwi-test'), bytes(8, bytes(1, ''), num(2, 13)), ...fields]);

const N = ['N'] as const;
const inputs = [input('x', [1, 2, ...N]), input('y', [1, 2, ...N])];
const initializers = [
  initializer('front_scale', [1, 2, 1], [2, 3]),
  initializer('back_weight', [1, 2, 1], [0.5, -1]),
  initializer('shared_bias', [1], [0.25]),
  initializer('unused_table', [3], [7, 8, 9]),
];
// The encoder makes h and hs; the decoder (`/dec/`, then the un-prefixed `/Relu` downstream of
// it) reads both, the graph input y directly, and shares an initializer with the encoder.
const nodes = [
  node('/enc/Mul', 'Mul', ['x', 'front_scale'], ['xs']),
  node('/enc/Add', 'Add', ['xs', 'y'], ['h']),
  node('/enc/Sub', 'Sub', ['h', 'shared_bias'], ['hs']),
  node('/dec/Mul', 'Mul', ['h', 'back_weight'], ['m']),
  node('/dec/Add', 'Add', ['m', 'hs'], ['n']),
  node('/dec/Add_1', 'Add', ['n', 'y'], ['p']),
  node('/dec/Add_2', 'Add', ['p', 'shared_bias'], ['q']),
  node('/Relu', 'Relu', ['q'], ['out']),
];
const outputs = [output('out', [1, 2, ...N])];
const graph = (...fields: Buffer[]) => bytes(7, bytes(2, 'example'), ...fields);
const example = model(graph(...nodes, ...initializers, ...inputs, ...outputs, valueInfo('h', [1, 2, ...N])));

const feeds = {
  x: new ort.Tensor('float32', Float32Array.of(1, -2, 3, 4, 5, -6), [1, 2, 3]),
  y: new ort.Tensor('float32', Float32Array.of(-1, 0.5, 2, -3, 1, 0), [1, 2, 3]),
};

// Quiet: ORT warns, rightly, that the whole example model has an unused initializer.
const load = (bytes: Buffer) => ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });

/** Run the whole model, and the front then the back; the two results must match. */
async function expectSameOutput(whole: Buffer, front: Buffer, back: Buffer): Promise<void> {
  const expected = await (await load(whole)).run(feeds);
  const cut = await (await load(front)).run(feeds);
  const backSession = await load(back);
  const backFeeds = Object.fromEntries(backSession.inputNames.map((name) => [name, cut[name] ?? feeds[name as keyof typeof feeds]]));
  const actual = await backSession.run(backFeeds);
  expect(actual.out!.dims).toEqual([1, 2, 3]);
  expect(actual.out!.data).toEqual(expected.out!.data);
}

describe('splitOnnxGraph', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fsp.rm(d, { recursive: true, force: true })));
  });

  it('cuts before the /dec/ nodes; front then back computes what the whole model does', async () => {
    const split = splitOnnxGraph(example, '/dec/')!;
    expect(split.cut).toEqual(['h', 'hs']);

    const front = await load(split.front);
    expect(front.inputNames).toEqual(['x', 'y']);
    expect(front.outputNames).toEqual(['h', 'hs']);
    const back = await load(split.back);
    expect(back.inputNames).toEqual(['h', 'hs', 'y']);
    expect(back.outputNames).toEqual(['out']);
    await expectSameOutput(example, split.front, split.back);
  });

  it("types a cut tensor by the model's value_info entry, else as float of unknown shape", async () => {
    const split = splitOnnxGraph(example, '/dec/')!;
    const back = await load(split.back);
    expect(back.inputMetadata.slice(0, 2)).toEqual([
      { name: 'h', isTensor: true, type: 'float32', shape: [1, 2, 'N'] },
      { name: 'hs', isTensor: true, type: 'float32', shape: [] },
    ]);
  });

  it('puts each initializer on the side that uses it, and drops the unused', () => {
    const { front, back } = splitOnnxGraph(example, '/dec/')!;
    expect(front.includes('front_scale')).toBe(true);
    expect(front.includes('back_weight')).toBe(false);
    expect(back.includes('back_weight')).toBe(true);
    expect(back.includes('front_scale')).toBe(false);
    expect(front.includes('shared_bias') && back.includes('shared_bias')).toBe(true);
    expect(front.includes('unused_table') || back.includes('unused_table')).toBe(false);
  });

  it('keeps metadata appended after the graph in both halves', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'kiwi-onnx-split-'));
    dirs.push(dir);
    const file = path.join(dir, 'voice.onnx');
    await fsp.writeFile(file, example);
    await appendOnnxMetadata(file, { model_type: 'vits', comment: 'piper' });

    const split = splitOnnxGraph(await fsp.readFile(file), '/dec/')!;
    for (const [name, bytes] of Object.entries({ front: split.front, back: split.back })) {
      await fsp.writeFile(path.join(dir, `${name}.onnx`), bytes);
      expect(await readOnnxMetadata(path.join(dir, `${name}.onnx`))).toEqual({ model_type: 'vits', comment: 'piper' });
    }
    await expectSameOutput(example, split.front, split.back);
  });

  it('reads a graph spread over two graph fields (protobuf merges them)', async () => {
    const metadata = bytes(14, bytes(1, 'comment'), bytes(2, 'piper'));
    const spread = model(graph(...nodes, ...inputs), metadata, graph(...initializers, ...outputs));
    const split = splitOnnxGraph(spread, '/dec/')!;
    expect(split.cut).toEqual(['h', 'hs']);
    await expectSameOutput(spread, split.front, split.back);
  });

  it('returns null when there is nothing to cut, or the cut is not clean', () => {
    expect(splitOnnxGraph(example, '/nope/')).toBeNull();
    // An output the front produces: the back alone cannot give the model's outputs.
    const frontOutput = model(graph(...nodes, ...initializers, ...inputs, ...outputs, output('hs', [1, 2, ...N])));
    expect(splitOnnxGraph(frontOutput, '/dec/')).toBeNull();
    // Cutting at the first node: everything is downstream of it, so there is no front.
    expect(splitOnnxGraph(example, '/enc/')).toBeNull();
  });

  it('throws a clear error for bytes that are not a protobuf', () => {
    expect(() => splitOnnxGraph(Buffer.from('this is not an ONNX model'), '/dec/')).toThrow(/Not a parseable ONNX protobuf/);
    expect(() => splitOnnxGraph(example.subarray(0, example.length - 3), '/dec/')).toThrow(/Not a parseable ONNX protobuf/);
  });
});
