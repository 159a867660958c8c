// The run's DAG, laid out by dagre (in a worker) and drawn as SVG; a status change only sets one
// node's data-status (colour and label), so a run of hundreds of steps redraws nothing else.

import { h, svg } from "./dom";
import { CHAR_WIDTH, computeLayout, type Layout, type LayoutInput } from "./layout";
import type { StepSpec } from "./model";

/**
 * The layout of `steps`, computed in a worker; on the page's thread where workers fail. Rejects
 * when the layout itself fails, so that the page can say so rather than wait for ever.
 */
export function layoutSteps(steps: StepSpec[]): Promise<Layout> {
  const input: LayoutInput = { steps: steps.map((step) => ({ id: step.id, dependsOn: step.dependsOn })) };
  const onPage = (resolve: (layout: Layout) => void, reject: (error: unknown) => void): void => {
    try {
      resolve(computeLayout(input));
    } catch (error) {
      reject(error);
    }
  };
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker("layout-worker.js", { type: "module" });
    } catch {
      onPage(resolve, reject);
      return;
    }
    worker.onmessage = (message: MessageEvent<Layout>) => {
      worker.terminate();
      resolve(message.data);
    };
    worker.onerror = () => {
      worker.terminate();
      onPage(resolve, reject);
    };
    worker.postMessage(input);
  });
}

export class Dag {
  readonly element: HTMLElement;
  private readonly nodes = new Map<string, SVGGElement>();
  private readonly labels = new Map<string, SVGTitleElement>();
  private selected: string | null = null;

  constructor(steps: StepSpec[], layout: Layout, private readonly onSelect: (stepId: string) => void) {
    const { width, height } = layout;
    const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "group", "aria-label": "Step graph" });
    const defs = svg("defs");
    const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#6b7280" }));
    defs.appendChild(marker);
    const edges = svg("g");
    for (const points of layout.edges) {
      if (points.length === 0) continue;
      const d = points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(" ");
      edges.appendChild(svg("path", { class: "edge", d, "marker-end": "url(#arrow)" }));
    }
    root.append(defs, edges);
    steps.forEach((step, index) => {
      const box = layout.nodes[index];
      const group = svg("g", {
        class: "node", tabindex: 0, role: "button", "data-step": step.id, "data-status": "pending",
        "aria-label": `${step.id}: pending`, transform: `translate(${box.x.toFixed(1)},${box.y.toFixed(1)})`,
      }) as SVGGElement;
      const title = svg("title") as SVGTitleElement;
      title.textContent = `${step.id}: pending`;
      const rect = svg("rect", { width: box.width, height: box.height, rx: 6 });
      const text = svg("text", { x: 10, y: box.height / 2 + 4 });
      const maxChars = Math.floor((box.width - 20) / CHAR_WIDTH);
      text.textContent = step.id.length > maxChars ? `${step.id.slice(0, maxChars - 1)}…` : step.id;
      group.append(title, rect, text);
      root.appendChild(group);
      this.nodes.set(step.id, group);
      this.labels.set(step.id, title);
    });
    // One listener for all nodes rather than two per node.
    const target = (event: Event): string | null =>
      (event.target as Element).closest?.("[data-step]")?.getAttribute("data-step") ?? null;
    root.addEventListener("click", (event) => {
      const stepId = target(event);
      if (stepId) this.onSelect(stepId);
    });
    root.addEventListener("keydown", (event) => {
      const stepId = target(event);
      if (stepId && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.onSelect(stepId);
      }
    });
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
