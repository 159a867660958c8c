// One attempt's output, followed while the attempt runs: a server-sent event stream of base64
// chunks decoded as UTF-8 (a character split across chunks is decoded whole), resumed from the
// last offset after a dropped connection. Only the last MAX_CHARS characters are kept on screen.

import { type Stream, stream } from "./api";
import { h } from "./dom";

const MAX_CHARS = 2_000_000;

export class OutputView {
  readonly element: HTMLPreElement;
  private current: Stream | null = null;
  private decoder = new TextDecoder();
  private shown = 0;

  constructor() {
    this.element = h("pre", { class: "output", id: "output", tabindex: 0, "aria-label": "Output", "aria-live": "off" });
  }

  /** Streams the output of `attempt` (0: the latest) of a step; `follow` keeps it open while it runs. */
  open(runId: string, stepId: string, attempt: number, follow: boolean, onDone: (message: string) => void): void {
    this.close();
    this.element.textContent = "";
    this.shown = 0;
    this.decoder = new TextDecoder();
    const path = `/api/v1/runs/${encodeURIComponent(runId)}/steps/${encodeURIComponent(stepId)}/output`
      + `?attempt=${attempt}&follow=${follow}`;
    this.current = stream(path, {
      onFrame: (type, data) => {
        if (type !== "output") return;
        const chunk = JSON.parse(data) as { data?: string };
        if (chunk.data) this.append(this.decoder.decode(base64(chunk.data), { stream: true }));
      },
      onEnd: () => {
        this.append(this.decoder.decode());
        onDone(this.shown === 0 ? "No output." : "End of output.");
      },
      onFailure: (error) => onDone(error.message),
    });
  }

  close(): void {
    this.current?.close();
    this.current = null;
  }

  private append(text: string): void {
    if (!text) return;
    const pre = this.element;
    const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.appendChild(document.createTextNode(text));
    this.shown += text.length;
    if (this.shown > MAX_CHARS) {
      const all = pre.textContent ?? "";
      pre.textContent = `… (earlier output not shown)\n${all.slice(all.length - MAX_CHARS / 2)}`;
      this.shown = pre.textContent.length;
    }
    if (atBottom) pre.scrollTop = pre.scrollHeight;
  }
}

function base64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
