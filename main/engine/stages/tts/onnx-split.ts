/**
 * Split an ONNX model in two at a named group of nodes, working on the raw protobuf bytes (no
 * Python, no protobuf library). Kiwi uses it to cut a Piper (VITS) voice before its HiFi-GAN
 * decoder (`/dec/…`): the front turns phonemes into the latent z, the back turns z into audio, so
 * the decoder can run on chunks of z and audio can stream.
 *
 * Field numbers are onnx.proto3's. Whole fields are copied as subarrays of the input and joined
 * with one Buffer.concat per output, so the initializers (most of a ~60 MB voice) are copied once.
 */

import { lengthDelimited, lengthHeader, varint } from '../../../platform/protobuf-write.ts';

export interface OnnxSplit {
  /** The model up to the cut: the original inputs; outputs are the cut tensors. */
  front: Buffer;
  /** The model from the cut: inputs are the cut tensors (plus original graph inputs the back reads directly); the original outputs. */
  back: Buffer;
  /** Names of the tensors the front produces and the back takes, in a stable order. */
  cut: string[];
}

/** One protobuf field of a message: `start..end` is the whole field (tag included), `body..end` its payload. */
interface Field {
  field: number;
  wire: number;
  start: number;
  body: number;
  end: number;
}

interface Node {
  raw: Buffer;
  name: string;
  inputs: string[];
  outputs: string[];
}

/** A graph entry known by a tensor name: an initializer, or a ValueInfoProto (input, output, value_info). */
interface Named {
  raw: Buffer;
  payload: Buffer;
  name: string;
}

// ModelProto.graph and the GraphProto fields the split looks into; the other graph fields
// (name, doc_string, quantization_annotation…) are copied to both halves.
const MODEL_GRAPH = 7;
const NODE = 1;
const INITIALIZER = 5;
const INPUT = 11;
const OUTPUT = 12;
const VALUE_INFO = 13;
const SPARSE_INITIALIZER = 15;

/** Split `model` (a whole ONNX file's bytes) before the nodes named `prefix…`; null (never a throw) when there are no such nodes or the cut is not clean (some graph output is not produced by the back, or the back has no nodes). Throws a clear Error only if the bytes are not a parseable protobuf. */
export function splitOnnxGraph(model: Buffer, prefix: string): OnnxSplit | null {
  const top = [...fields(model, 0, model.length)];
  const graph = parseGraph(model, top.filter((f) => f.field === MODEL_GRAPH));

  // Back: the prefixed nodes and everything downstream. One pass suffices: nodes are in topological order.
  const backTensors = new Set<string>();
  const front: Node[] = [];
  const back: Node[] = [];
  for (const node of graph.nodes) {
    const isBack = node.name.startsWith(prefix) || node.inputs.some((t) => backTensors.has(t));
    (isBack ? back : front).push(node);
    if (isBack) node.outputs.forEach((t) => backTensors.add(t));
  }
  if (back.length === 0 || graph.outputs.some((o) => !backTensors.has(o.name))) return null;

  const frontTensors = new Set(front.flatMap((n) => n.outputs));
  const initializerNames = new Set(graph.initializers.map((i) => i.name));
  const cut = [...new Set(back.flatMap((n) => n.inputs))].filter((t) => frontTensors.has(t) && !initializerNames.has(t));
  if (cut.length === 0) return null;

  const valueInfo = new Map(graph.valueInfo.map((v) => [v.name, v]));
  // A cut tensor's type: its value_info entry if the model has one, else float with no shape
  // (the usual case for torch exports, and what a VITS latent is).
  const cutInfo = cut.map((name) => valueInfo.get(name)?.payload ?? floatValueInfo(name));
  const frontUses = usedBy(front);
  const backUses = usedBy(back);
  const graphInputNames = new Set(graph.inputs.map((i) => i.name));
  const backInputs = graph.inputs.filter((i) => backUses.has(i.name));

  const frontGraph = [
    ...graph.shared,
    ...front.map((n) => n.raw),
    // An initializer also listed as a graph input (IR < 4) is that input's default: keep it with the input.
    ...graph.initializers.filter((i) => frontUses.has(i.name) || graphInputNames.has(i.name)).map((i) => i.raw),
    ...graph.inputs.map((i) => i.raw),
    ...cutInfo.flatMap((v) => lengthDelimited(OUTPUT, v)),
    ...keptValueInfo(graph.valueInfo, frontUses, new Set([...graphInputNames, ...cut])),
  ];
  const backGraph = [
    ...graph.shared,
    ...back.map((n) => n.raw),
    ...graph.initializers.filter((i) => backUses.has(i.name)).map((i) => i.raw),
    ...cutInfo.flatMap((v) => lengthDelimited(INPUT, v)),
    ...backInputs.map((i) => i.raw),
    ...graph.outputs.map((o) => o.raw),
    ...keptValueInfo(graph.valueInfo, backUses, new Set([...cut, ...backInputs.map((i) => i.name), ...graph.outputs.map((o) => o.name)])),
  ];
  return { front: rebuild(model, top, frontGraph), back: rebuild(model, top, backGraph), cut };
}

interface Graph {
  nodes: Node[];
  initializers: Named[];
  inputs: Named[];
  outputs: Named[];
  valueInfo: Named[];
  shared: Buffer[];
}

/** Read the graph from all its ModelProto occurrences: protobuf merges repeated message fields. */
function parseGraph(buf: Buffer, occurrences: Field[]): Graph {
  const graph: Graph = { nodes: [], initializers: [], inputs: [], outputs: [], valueInfo: [], shared: [] };
  for (const g of occurrences) {
    expectMessage(g);
    for (const f of fields(buf, g.body, g.end)) {
      const named = (name: string): Named => ({ raw: buf.subarray(f.start, f.end), payload: buf.subarray(f.body, f.end), name });
      if (f.field === NODE) graph.nodes.push(parseNode(buf, f));
      // TensorProto.name = 8; SparseTensorProto.values = 1 is the TensorProto that carries the name.
      else if (f.field === INITIALIZER) graph.initializers.push(named(stringField(buf, f, 8)));
      else if (f.field === SPARSE_INITIALIZER) graph.initializers.push(named(stringField(buf, subMessage(buf, f, 1), 8)));
      else if (f.field === INPUT) graph.inputs.push(named(stringField(buf, f, 1)));
      else if (f.field === OUTPUT) graph.outputs.push(named(stringField(buf, f, 1)));
      else if (f.field === VALUE_INFO) graph.valueInfo.push(named(stringField(buf, f, 1)));
      else graph.shared.push(buf.subarray(f.start, f.end));
    }
  }
  return graph;
}

/** NodeProto: input = 1, output = 2, name = 3; an empty name is an omitted optional input. */
function parseNode(buf: Buffer, node: Field): Node {
  expectMessage(node);
  const out: Node = { raw: buf.subarray(node.start, node.end), name: '', inputs: [], outputs: [] };
  for (const f of fields(buf, node.body, node.end)) {
    if (f.field < 1 || f.field > 3) continue;
    expectMessage(f);
    const text = buf.toString('utf8', f.body, f.end);
    if (f.field === 3) out.name = text;
    else if (text !== '') (f.field === 1 ? out.inputs : out.outputs).push(text);
  }
  return out;
}

const usedBy = (nodes: Node[]) => new Set(nodes.flatMap((n) => [...n.inputs, ...n.outputs]));

/** value_info describes intermediate tensors: keep a side's own, minus its graph inputs and outputs. */
function keptValueInfo(all: Named[], tensors: Set<string>, io: Set<string>): Buffer[] {
  return all.filter((v) => tensors.has(v.name) && !io.has(v.name)).map((v) => v.raw);
}

/** ValueInfoProto {name = 1, type = 2: TypeProto {tensor_type = 1: {elem_type = 1: FLOAT (1)}}}. */
function floatValueInfo(name: string): Buffer {
  const tensorType = Buffer.concat([varint((1 << 3) | 0), varint(1)]);
  const type = Buffer.concat(lengthDelimited(1, tensorType));
  return Buffer.concat([...lengthDelimited(1, Buffer.from(name, 'utf8')), ...lengthDelimited(2, type)]);
}

/** The model with its graph replaced by `graph`, written where the first graph field was. */
function rebuild(model: Buffer, top: Field[], graph: Buffer[]): Buffer {
  const length = graph.reduce((sum, b) => sum + b.length, 0);
  const firstGraph = top.find((f) => f.field === MODEL_GRAPH);
  const parts = top.flatMap((f) => {
    if (f.field !== MODEL_GRAPH) return [model.subarray(f.start, f.end)];
    return f === firstGraph ? [lengthHeader(MODEL_GRAPH, length), ...graph] : [];
  });
  return Buffer.concat(parts);
}

/** The fields of the message in `buf[start..end]`; throws if they do not parse. */
function* fields(buf: Buffer, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const fieldStart = at;
    const tag = readVarint(buf, at, end);
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (field === 0) throw unparseable(`field number 0 at byte ${fieldStart}`);
    let body = at;
    if (wire === 0) at = readVarint(buf, at, end).next;
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = readVarint(buf, at, end);
      body = len.next;
      at = body + len.value;
    } else throw unparseable(`unsupported wire type ${wire} at byte ${fieldStart}`);
    if (at > end) throw unparseable(`field ${field} at byte ${fieldStart} runs past its message`);
    yield { field, wire, start: fieldStart, body, end: at };
  }
}

function readVarint(buf: Buffer, start: number, end: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = start; i < end && i < start + 10; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * scale; // int64 values lose precision here, but only tags and lengths are used
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw unparseable(`bad varint at byte ${start}`);
}

function expectMessage(f: Field): void {
  if (f.wire !== 2) throw unparseable(`field ${f.field} at byte ${f.start} should be length-delimited`);
}

/** The last occurrence (protobuf: last one wins) of string field `n` in message field `f`, or ''. */
function stringField(buf: Buffer, f: Field, n: number): string {
  expectMessage(f);
  let text = '';
  for (const g of fields(buf, f.body, f.end)) {
    if (g.field !== n) continue;
    expectMessage(g);
    text = buf.toString('utf8', g.body, g.end);
  }
  return text;
}

function subMessage(buf: Buffer, f: Field, n: number): Field {
  expectMessage(f);
  const found = [...fields(buf, f.body, f.end)].find((g) => g.field === n);
  if (!found) throw unparseable(`field ${f.field} at byte ${f.start} has no field ${n}`);
  return found;
}

const unparseable = (detail: string) => new Error(`Not a parseable ONNX protobuf: ${detail}`);
