// TensorFlow.js graph model → ONNX. Walks the TF graph from its outputs (pruning what they do not need), maps each
// op with the tables in tfjs-ops.*.ts, and keeps TF tensor names so tfjs and ONNX outputs can be compared by name.
import { FacegateError } from '../../errors.ts';
import { OnnxGraph, type Dim } from './onnx.builder.ts';
import { Attrs, ConvertContext, tensorName } from './tfjs-convert.context.ts';
import type { TfjsModel, TfNode } from './tfjs-model.reader.ts';
import { BASIC_OPS } from './tfjs-ops.basic.ts';
import { CONV_OPS, type OpMapper } from './tfjs-ops.conv.ts';

/** Bump when a change to the converter can change its output: cached models are re-converted. */
export const TFJS_CONVERTER_VERSION = '1';

const OPS: Record<string, OpMapper> = { ...BASIC_OPS, ...CONV_OPS };

export interface IoSpec {
  name: string;
  dtype: 'float32' | 'int32' | 'bool' | 'int64';
  /** Symbolic dims (batch) are strings. */
  shape: Dim[];
}

export interface ConvertedGraph {
  bytes: Uint8Array;
  inputs: IoSpec[];
  /** ONNX output names are the TF tensor names (`Identity_2`, `tower_0/detections`, `node:1`). */
  outputs: IoSpec[];
}

export interface TfjsConvertOptions {
  /** TF tensors to expose (default: the signature's outputs, else every unconsumed non-Const node). */
  outputs?: string[];
  opset?: number;
  producerVersion?: string;
}

const dimsOf = (dims: { size: string | number }[] | undefined): Dim[] =>
  (dims ?? []).map((d) => (Number(d.size) < 0 ? 'N' : Number(d.size)));

function graphOutputs(model: TfjsModel, nodes: Map<string, TfNode>): string[] {
  const sig = model.json.signature?.outputs;
  if (sig) return Object.values(sig).map((o) => tensorName(o.name));
  const consumed = new Set<string>();
  for (const n of nodes.values())
    for (const i of n.input) consumed.add(tensorName(i.replace(/^\^/, '')).split(':')[0]!);
  return [...nodes.values()]
    .filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name))
    .map((n) => n.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** Nodes needed for the outputs, inputs before users (iterative DFS: graphs are deep). */
function topoOrder(nodes: Map<string, TfNode>, outputs: string[]): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const out of outputs) {
    const stack: [string, boolean][] = [[out.split(':')[0]!, false]];
    while (stack.length) {
      const [name, expanded] = stack.pop()!;
      const node = nodes.get(name);
      if (!node) throw new FacegateError('MODEL_CONVERSION_FAILED', `graph refers to unknown node ${name}`);
      if (expanded) {
        state.set(name, 'done');
        order.push(node);
        continue;
      }
      if (state.has(name)) continue;
      state.set(name, 'visiting');
      stack.push([name, true]);
      for (const i of node.input) {
        const dep = i.replace(/^\^/, '').split(':')[0]!;
        if (!state.has(dep)) stack.push([dep, false]);
      }
    }
  }
  return order;
}

export function convertTfjsGraph(model: TfjsModel, options: TfjsConvertOptions = {}): ConvertedGraph {
  const nodes = new Map(model.json.modelTopology.node.map((n) => [n.name, n]));
  const outputs = (options.outputs ?? graphOutputs(model, nodes)).map(tensorName);
  const g = new OnnxGraph('tfjs');
  const ctx = new ConvertContext(g);
  const inputs: IoSpec[] = [];
  const sigInputs = Object.values(model.json.signature?.inputs ?? {});
  for (const node of topoOrder(nodes, outputs)) {
    const a = new Attrs(node);
    if (node.op === 'Const') {
      const w = model.weights.get(node.name);
      if (!w) throw new FacegateError('MODEL_CONVERSION_FAILED', `Const ${node.name} has no weight data`);
      ctx.consts.set(node.name, w);
      continue;
    }
    if (node.op === 'Placeholder') {
      const sig = sigInputs.find((s) => tensorName(s.name) === node.name);
      const shape = dimsOf(a.shapeDims('shape') ?? sig?.tensorShape?.dim);
      const dtype = a.type('dtype') ?? 'float32';
      g.input(node.name, dtype, shape);
      ctx.types.set(node.name, dtype);
      inputs.push({ name: node.name, dtype, shape });
      continue;
    }
    const map = OPS[node.op];
    if (!map) throw new FacegateError('MODEL_CONVERSION_FAILED', `TF op ${node.op} (${node.name}) is not supported`);
    map(node, ctx, a);
  }
  const outSpecs: IoSpec[] = outputs.map((name) => {
    const dtype = ctx.typeOf(name);
    g.output(name, dtype);
    return { name, dtype, shape: [] };
  });
  const bytes = g.toModel({
    opset: options.opset ?? 17,
    producer: 'facegate-tfjs',
    producerVersion: TFJS_CONVERTER_VERSION,
  });
  return { bytes, inputs, outputs: outSpecs };
}
