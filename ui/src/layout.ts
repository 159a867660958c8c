// The DAG's layout by dagre: where each step's box and each dependency's line go. Run in a worker
// (layout-worker.ts) so that laying out hundreds of steps never blocks the page.

import { Graph, layout } from "@dagrejs/dagre";

export const NODE_HEIGHT = 34;
export const CHAR_WIDTH = 7.2;

/** Past this many steps the layout takes the cheaper options (see below). */
const LARGE = 150;

export interface LayoutInput {
  steps: { id: string; dependsOn?: string[] }[];
}

export interface Layout {
  width: number;
  height: number;
  /** Each step's box, in the order of the input's steps. */
  nodes: { x: number; y: number; width: number; height: number }[];
  edges: { x: number; y: number }[][];
}

export function computeLayout(input: LayoutInput): Layout {
  const graph = new Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 36, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  // dagre keeps nodes in plain objects: a step id such as "__proto__" or "constructor" would reach
  // their prototype. The graph names each step by its index instead.
  const index = new Map<string, number>();
  input.steps.forEach((step, i) => {
    index.set(step.id, i);
    const width = Math.min(220, Math.max(70, step.id.length * CHAR_WIDTH + 24));
    graph.setNode(`n${i}`, { width, height: NODE_HEIGHT });
  });
  input.steps.forEach((step, i) => {
    for (const upstream of step.dependsOn ?? []) {
      const from = index.get(upstream);
      if (from !== undefined) graph.setEdge(`n${from}`, `n${i}`);
    }
  });
  // dagre's default ranking (network simplex) and crossing reduction draw small graphs best but
  // take seconds on hundreds of steps (2.6 s for 500 steps in 20 layers); past LARGE the cheaper
  // ranking and a single ordering pass take about a tenth of that.
  const large = input.steps.length > LARGE;
  layout(graph, large ? { ranker: "longest-path", disableOptimalOrderHeuristic: true } : {});
  const size = graph.graph() as { width?: number; height?: number };
  const nodes = input.steps.map((_, i) => {
    const box = graph.node(`n${i}`) as { x: number; y: number; width: number; height: number };
    return { x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height };
  });
  const edges = graph.edges().map(
    (edge) => ((graph.edge(edge) as { points?: { x: number; y: number }[] }).points ?? []));
  return { width: Math.ceil(size.width ?? 100), height: Math.ceil(size.height ?? 60), nodes, edges };
}
