// A tiny ONNX graph builder on top of the protobuf writer.
//
// Only what the three SmolVLM graphs need: typed graph inputs/outputs with symbolic dims,
// float32/int64 initializers (stored as raw little-endian data), and nodes in the default
// ONNX domain with int/ints/float attributes. Names are generated from counters, so building
// the same graph twice yields identical bytes.

import { ProtoWriter } from './protobuf.ts';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** A dimension: a fixed size or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

/** ONNX opset the graphs are written for (LayerNormalization needs >= 17). */
export const OPSET = 17;
/** IR version matching opset 17 (ONNX 1.12). */
export const IR_VERSION = 8;

export type AttrValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'float'; value: number };

export const attr = {
  int: (value: number): AttrValue => ({ kind: 'int', value }),
  ints: (value: number[]): AttrValue => ({ kind: 'ints', value }),
  float: (value: number): AttrValue => ({ kind: 'float', value }),
};

interface ValueInfo {
  name: string;
  type: DataTypeId;
  dims: Dim[];
}

interface Initializer {
  name: string;
  type: DataTypeId;
  dims: number[];
  raw: Uint8Array;
}

interface Node {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: [string, AttrValue][];
}

function rawBytes(data: Float32Array | BigInt64Array | Int32Array): Uint8Array {
  // Copy through a DataView so the bytes are little-endian whatever the host is.
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const dv = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => dv.setInt32(i * 4, v, true));
  else data.forEach((v, i) => dv.setBigInt64(i * 8, v, true));
  return out;
}

export class GraphBuilder {
  private nodes: Node[] = [];
  private inits: Initializer[] = [];
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private counter = 0;
  private constCache = new Map<string, string>();

  constructor(
    private readonly name: string,
    private readonly doc: string,
  ) {}

  input(name: string, type: DataTypeId, dims: Dim[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, type: DataTypeId, dims: Dim[]): void {
    this.outputs.push({ name, type, dims });
  }

  initializer(name: string, dims: number[], data: Float32Array | BigInt64Array | Int32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    const type =
      data instanceof Float32Array ? DataType.FLOAT : data instanceof Int32Array ? DataType.INT32 : DataType.INT64;
    this.inits.push({ name, type, dims, raw: rawBytes(data) });
    return name;
  }

  /** Small shared float32 constant (deduplicated by value). dims [] makes a scalar. */
  constF(values: number[], dims: number[] = [values.length]): string {
    return this.constant('f', values, dims, () => Float32Array.from(values));
  }

  /** Small shared int64 constant (deduplicated by value). dims [] makes a scalar. */
  constI64(values: number[], dims: number[] = [values.length]): string {
    return this.constant('i', values, dims, () => BigInt64Array.from(values.map(BigInt)));
  }

  private constant(kind: string, values: number[], dims: number[], make: () => Float32Array | BigInt64Array): string {
    const key = `${kind}|${dims.join(',')}|${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = `const_${this.constCache.size}`;
      this.constCache.set(key, name);
      this.initializer(name, dims, make());
    }
    return name;
  }

  /**
   * Appends a node and returns its output names. `outputs` may name the outputs (e.g. graph
   * outputs such as 'logits'); otherwise they are generated.
   */
  ops(
    opType: string,
    inputs: string[],
    opts: { attrs?: Record<string, AttrValue>; outputs?: string[]; nOutputs?: number } = {},
  ): string[] {
    const id = this.counter++;
    const nodeName = `${opType}_${id}`;
    const outputs =
      opts.outputs ?? Array.from({ length: opts.nOutputs ?? 1 }, (_, k) => `${nodeName}_o${k}`);
    this.nodes.push({ name: nodeName, opType, inputs, outputs, attrs: Object.entries(opts.attrs ?? {}) });
    return outputs;
  }

  /** Single-output convenience wrapper around `ops`. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    return this.ops(opType, inputs, { attrs, outputs: output ? [output] : undefined })[0];
  }

  /** Serialises the graph into an ONNX ModelProto. */
  toModel(producer: string): Uint8Array {
    const w = new ProtoWriter();
    w.int(1, IR_VERSION);
    w.string(2, producer);
    w.string(3, '1');
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').int(2, OPSET));
    return w.finish();
  }

  private writeGraph(g: ProtoWriter): void {
    for (const n of this.nodes) {
      g.message(1, (m) => {
        for (const i of n.inputs) m.string(1, i);
        for (const o of n.outputs) m.string(2, o);
        m.string(3, n.name);
        m.string(4, n.opType);
        for (const [name, a] of n.attrs) m.message(5, (am) => writeAttr(am, name, a));
      });
    }
    g.string(2, this.name);
    for (const t of this.inits) {
      g.message(5, (m) => {
        m.repeatedInt(1, t.dims);
        m.int(2, t.type);
        m.string(8, t.name);
        m.bytes(9, t.raw);
      });
    }
    g.string(10, this.doc);
    for (const v of this.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of this.outputs) g.message(12, (m) => writeValueInfo(m, v));
  }
}

function writeAttr(m: ProtoWriter, name: string, a: AttrValue): void {
  m.string(1, name);
  // AttributeProto.type: FLOAT = 1, INT = 2, INTS = 7.
  if (a.kind === 'float') m.float(2, a.value).int(20, 1);
  else if (a.kind === 'int') m.int(3, a.value).int(20, 2);
  else m.repeatedInt(8, a.value).int(20, 7);
}

function writeValueInfo(m: ProtoWriter, v: ValueInfo): void {
  m.string(1, v.name);
  m.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.type);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}
