// The run's DAG, laid out once by dagre from the spec and drawn as SVG; a status change only sets
// one node's data-status (colour and label), so a run of hundreds of steps redraws nothing else.

import { Graph, layout } from "@dagrejs/dagre";
import { h, svg } from "./dom";
import type { StepSpec } from "./model";

const HEIGHT = 34;
const CHAR = 7.2;

export class Dag {
  readonly element: HTMLElement;
  private readonly nodes = new Map<string, SVGGElement>();
  private readonly labels = new Map<string, SVGTitleElement>();
  private selected: string | null = null;

  constructor(steps: StepSpec[], private readonly onSelect: (stepId: string) => void) {
    const graph = new Graph();
    graph.setGraph({ rankdir: "LR", nodesep: 12, ranksep: 36, marginx: 12, marginy: 12 });
    graph.setDefaultEdgeLabel(() => ({}));
    for (const step of steps) {
      const width = Math.min(220, Math.max(70, step.id.length * CHAR + 24));
      graph.setNode(step.id, { width, height: HEIGHT });
    }
    for (const step of steps) {
      for (const upstream of step.dependsOn ?? []) graph.setEdge(upstream, step.id);
    }
    layout(graph);
    const size = graph.graph() as { width?: number; height?: number };
    const width = Math.ceil(size.width ?? 100);
    const height = Math.ceil(size.height ?? 60);
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "group", "aria-label": "Step graph" });
    const edges = svg("g");
    for (const edge of graph.edges()) {
      const points = (graph.edge(edge) as { points?: { x: number; y: number }[] }).points ?? [];
      if (points.length === 0) continue;
      const d = points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(" ");
      edges.appendChild(svg("path", { class: "edge", d, "marker-end": "url(#arrow)" }));
    }
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#6b7280" }));
    defs.appendChild(marker);
    root.append(defs, edges);
    for (const step of steps) {
      const box = graph.node(step.id) as { x: number; y: number; width: number; height: number };
      const group = svg("g", {
        class: "node", tabindex: 0, role: "button", "data-step": step.id, "data-status": "pending",
        transform: `translate(${(box.x - box.width / 2).toFixed(1)},${(box.y - box.height / 2).toFixed(1)})`,
      }) as SVGGElement;
      const title = svg("title") as SVGTitleElement;
      title.textContent = `${step.id}: pending`;
      const rect = svg("rect", { width: box.width, height: box.height, rx: 6 });
      const text = svg("text", { x: 10, y: box.height / 2 + 4 });
      const maxChars = Math.floor((box.width - 20) / CHAR);
      text.textContent = step.id.length > maxChars ? `${step.id.slice(0, maxChars - 1)}…` : step.id;
      group.append(title, rect, text);
      group.setAttribute("aria-label", `${step.id}: pending`);
      group.addEventListener("click", () => this.onSelect(step.id));
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          this.onSelect(step.id);
        }
      });
      root.appendChild(group);
      this.nodes.set(step.id, group);
      this.labels.set(step.id, title);
    }
    this.element = h("div", { class: "dag", id: "dag" });
    this.element.appendChild(root);
  }

  setStatus(stepId: string, status: string): void {
    const node = this.nodes.get(stepId);
    if (!node || node.getAttribute("data-status") === status) return;
    node.setAttribute("data-status", status);
    const label = `${stepId}: ${status.replace("_", " ")}`;
    node.setAttribute("aria-label", label);
    this.labels.get(stepId)!.textContent = label;
  }

  select(stepId: string | null): void {
    if (this.selected) this.nodes.get(this.selected)?.classList.remove("selected");
    this.selected = stepId;
    if (stepId) this.nodes.get(stepId)?.classList.add("selected");
  }
}
