// Lays out a DAG off the page's thread: receives a LayoutInput, answers with its Layout.

import { computeLayout, type LayoutInput } from "./layout";

self.onmessage = (message: MessageEvent<LayoutInput>) => {
  self.postMessage(computeLayout(message.data));
};
