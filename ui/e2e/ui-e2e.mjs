// The web UI end to end, in headless Chromium (Debian's, driven by playwright-core) against a real
// server that the caller started. Driven by it/UiBrowserIT, which passes:
//   CAIRN_E2E_BASE     the server's URL (http://127.0.0.1:PORT)
//   CAIRN_E2E_CLI      the CLI command as a JSON array (CAIRN_SERVER and CAIRN_DATA_DIR are set)
//   CAIRN_E2E_WORK     a directory holding live.yaml, cancel.yaml and rerun.yaml; the steps of
//                      live.yaml wait for the files gate-1 and gate-2 in it, and rerun.yaml's
//                      check fails until rerun-ok exists; this script creates them
//   CAIRN_E2E_SHOTS    where to write the screenshots (the repository's docs/)
//   CAIRN_E2E_RESULT   where to write the run ids as JSON, for the caller's checks
//   CHROMIUM           the browser's executable
// Exits 0 when every check passed; otherwise prints what failed and exits 1.

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env("CAIRN_E2E_BASE");
const cli = JSON.parse(env("CAIRN_E2E_CLI"));
const work = env("CAIRN_E2E_WORK");
const shots = env("CAIRN_E2E_SHOTS");
const resultFile = env("CAIRN_E2E_RESULT");
const WAIT = 30_000;

function runCli(...args) {
  return execFileSync(cli[0], [...cli.slice(1), ...args], { encoding: "utf8", timeout: 60_000 }).trim();
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

function log(message) {
  console.log(`[ui-e2e] ${message}`);
}

const stepStatus = (page, step) =>
  page.locator(`#dag [data-step="${step}"]`).getAttribute("data-status");

async function waitStatus(page, step, status) {
  await page.waitForSelector(`#dag [data-step="${step}"][data-status="${status}"]`, { timeout: WAIT });
}

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  headless: true,
  args: [
    "--no-sandbox",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-dev-shm-usage",
  ],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    failed = true;
    console.error(`[ui-e2e] page error: ${error.message}`);
  });

  // Without the token: the sign-in form, and nothing from the API.
  await page.goto(base + "/");
  await page.waitForSelector("#token", { timeout: WAIT });
  const unauthenticated = await page.evaluate(async () => (await fetch("/api/v1/runs")).status);
  check(unauthenticated === 401, `GET /api/v1/runs without the token answered ${unauthenticated}`);
  log("sign-in page shown; the API refuses the page without the token");

  // Sign in as `cairn ui` does: a one-time code in the fragment, exchanged once for the token.
  const url = runCli("ui", "--print-url");
  check(/\/#code=[A-Za-z0-9_-]{40,}$/.test(url), `cairn ui printed ${url}`);
  await page.goto(url);
  await page.waitForSelector("#runs", { timeout: WAIT });
  const afterSignIn = await page.evaluate(() => ({
    hash: location.hash,
    stored: sessionStorage.getItem("cairn.token") !== null,
  }));
  check(afterSignIn.stored, "the token is kept in sessionStorage");
  check(!afterSignIn.hash.includes("code"), `the code left the URL (now ${afterSignIn.hash})`);
  const code = url.slice(url.indexOf("#code=") + 6);
  const again = await page.evaluate(async (used) =>
    (await fetch("/api/v1/ui-sessions", { method: "POST", body: JSON.stringify({ code: used }) })).status, code);
  check(again === 401, `a used code was refused (${again})`);
  log("signed in with a one-time code; the code cannot be used twice");
  // A used code opened again in the signed-in tab (a link, the history) keeps it signed in.
  await page.evaluate((used) => { location.hash = `#code=${used}`; }, code);
  await page.waitForFunction(() => location.hash === "#/runs", null, { timeout: WAIT });
  await page.waitForSelector("#runs", { timeout: WAIT });
  check(await page.evaluate(() => sessionStorage.getItem("cairn.token") !== null),
    "a stale code did not sign the tab out");
  check(await page.isVisible("#sign-out"), "the tab is still signed in after a stale code");
  // A run id that is not valid percent-encoding is a run that is not found, not a stuck page.
  await page.evaluate(() => { location.hash = "#/runs/%E0%A4%A"; });
  await page.waitForSelector("#main .error", { timeout: WAIT });
  await page.evaluate(() => { location.hash = "#/runs"; });
  await page.waitForSelector("#runs", { timeout: WAIT });
  log("a stale code keeps the tab signed in; a malformed run id is not found");
  // A marker that a reload would lose: every check below happens in this one page load.
  await page.evaluate(() => { window.__cairnSameLoad = true; });

  // A run submitted with the CLI appears in the list without a reload.
  const liveRun = runCli("submit", join(work, "live.yaml"));
  log(`submitted ${liveRun}`);
  await page.waitForSelector(`#runs tr[data-run="${liveRun}"]`, { timeout: WAIT });
  await page.click(`#runs tr[data-run="${liveRun}"] a`);
  await waitStatus(page, "prepare", "running");
  check((await stepStatus(page, "work")) === "pending", "work is pending while prepare runs");
  check((await stepStatus(page, "publish")) === "pending", "publish is pending while prepare runs");

  // Record every status the graph shows from here on, to see it go step by step.
  await page.evaluate(() => {
    // Each record has the value before the change; the value after it is the next record's old
    // value for the same node, or the node's value now.
    window.__records = [];
    const observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) window.__records.push({ node: mutation.target, old: mutation.oldValue });
    });
    observer.observe(document.getElementById("dag"),
      { attributes: true, attributeFilter: ["data-status"], attributeOldValue: true, subtree: true });
    window.__transitions = () => window.__records.map((record, index) => {
      const next = window.__records.slice(index + 1).find((later) => later.node === record.node);
      const value = next ? next.old : record.node.getAttribute("data-status");
      return `${record.node.getAttribute("data-step")}:${value}`;
    });
  });

  // Drop the page's connections as a network failure would, while the run goes on: the stream
  // comes back with Last-Event-ID and the history has every event once.
  const resumedFrom = [];
  page.on("request", (request) => {
    const lastId = request.headers()["last-event-id"];
    if (request.url().includes(`/runs/${liveRun}/events`) && lastId) resumedFrom.push(lastId);
  });
  await page.evaluate(() => window.cairnDropConnections());
  writeFileSync(join(work, "gate-1"), "");
  await waitStatus(page, "prepare", "succeeded");
  await waitStatus(page, "work", "running");
  check((await stepStatus(page, "publish")) === "pending", "publish is pending while work runs");

  // The output of the running step, as it is written: its first line is shown while it still runs
  // (it cannot end before gate-2 exists).
  await page.click('#dag [data-step="work"]');
  await page.waitForFunction(
    () => (document.getElementById("output")?.textContent ?? "").includes("working on it"),
    null, { timeout: WAIT });
  check((await stepStatus(page, "work")) === "running", "work still runs while its line is shown");
  log("saw the running step's output line while it ran");
  // The step table follows the events within a moment: the screenshot shows it caught up.
  await page.waitForFunction(() => {
    const attempts = (step) => document.querySelectorAll(`#steps tr[data-step="${step}"] td`)[2]?.textContent ?? "";
    return attempts("prepare").includes("ok") && attempts("work").includes("running");
  }, null, { timeout: WAIT });
  await page.screenshot({ path: join(shots, "ui-run.png") });

  writeFileSync(join(work, "gate-2"), "");
  await waitStatus(page, "work", "succeeded");
  await waitStatus(page, "publish", "succeeded");
  await page.waitForSelector('#run-status .s-succeeded', { timeout: WAIT });
  await page.waitForFunction(
    () => (document.getElementById("output")?.textContent ?? "").includes("work done"),
    null, { timeout: WAIT });
  const transitions = await page.evaluate(() => window.__transitions());
  const order = (entry) => transitions.indexOf(entry);
  for (const entry of ["prepare:succeeded", "work:running", "work:succeeded", "publish:running", "publish:succeeded"]) {
    check(order(entry) >= 0, `the graph showed ${entry} (saw ${transitions.join(", ")})`);
  }
  check(order("prepare:succeeded") < order("work:running")
    && order("work:running") < order("work:succeeded")
    && order("work:succeeded") < order("publish:running")
    && order("publish:running") < order("publish:succeeded"),
    `the graph went step by step (saw ${transitions.join(", ")})`);
  const history = await page.evaluate(
    () => [...document.querySelectorAll("#history tbody tr")].map((row) => Number(row.dataset.seq)));
  check(history.length === 8 && history.every((seq, index) => seq === index + 1),
    `the event history has every event once, in order (${history.join(",")})`);
  check(resumedFrom.length >= 1, "the event stream reconnected with Last-Event-ID after the drop");
  log(`the event stream resumed after ${resumedFrom.join(", ")} with no gap or duplicate`);
  // The table is fetched again shortly after the events that changed it.
  await page.waitForFunction(() => {
    const cells = document.querySelectorAll('#steps tr[data-step="work"] td');
    return cells[3]?.textContent === "0" && /#1 ok \(exit 0/.test(cells[2]?.textContent ?? "");
  }, null, { timeout: WAIT });
  log("the graph turned green step by step, without a reload");

  // Cancel a second run from its page: it ends CANCELLED (the caller checks no process is left).
  const cancelRun = runCli("submit", join(work, "cancel.yaml"));
  log(`submitted ${cancelRun}`);
  await page.click('a[href="#/runs"]');
  await page.waitForSelector(`#runs tr[data-run="${cancelRun}"]`, { timeout: WAIT });
  await page.waitForSelector(`#runs tr[data-run="${liveRun}"][data-status="succeeded"]`, { timeout: WAIT });
  await page.screenshot({ path: join(shots, "ui-runs.png") });
  await page.click(`#runs tr[data-run="${cancelRun}"] a`);
  await waitStatus(page, "long", "running");
  // The graph works from the keyboard: a focused node opens its step's output with Enter.
  await page.focus('#dag [data-step="long"]');
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("output-step")?.value === "long", null, { timeout: WAIT });
  page.once("dialog", (dialog) => dialog.accept());
  await page.click("#cancel");
  await page.waitForSelector("#run-status .s-cancelled", { timeout: WAIT });
  await waitStatus(page, "long", "cancelled");
  await waitStatus(page, "after", "cancelled");
  log("cancelled a run from its page");

  // Rerun a failed run from its page: its check fails until the file rerun-ok exists; with the
  // file in place, the Rerun button (pressed from the keyboard) opens a new run that succeeds.
  const failedRun = runCli("submit", join(work, "rerun.yaml"));
  log(`submitted ${failedRun}`);
  await page.click('a[href="#/runs"]');
  await page.click(`#runs tr[data-run="${failedRun}"] a`, { timeout: WAIT });
  await page.waitForSelector("#run-status .s-failed", { timeout: WAIT });
  await waitStatus(page, "check", "failed");
  await page.waitForSelector("#rerun:not([hidden])", { timeout: WAIT });
  writeFileSync(join(work, "rerun-ok"), "");
  await page.focus("#rerun");
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (old) => /^#\/runs\/[^/?]+$/.test(location.hash) && !location.hash.endsWith(old), failedRun, { timeout: WAIT });
  const rerunRun = decodeURIComponent((await page.evaluate(() => location.hash)).replace("#/runs/", ""));
  log(`the Rerun button opened ${rerunRun}`);
  await page.waitForSelector("#run-status .s-succeeded", { timeout: WAIT });
  await waitStatus(page, "check", "succeeded");
  await waitStatus(page, "constructor", "succeeded");
  await waitStatus(page, "__proto__", "succeeded");
  await page.waitForSelector(`#rerun-of a[href="#/runs/${failedRun}"]`, { timeout: WAIT });
  await page.click(`#rerun-of a[href="#/runs/${failedRun}"]`);
  await page.waitForSelector(`#reruns a[href="#/runs/${rerunRun}"]`, { timeout: WAIT });
  check((await stepStatus(page, "check")) === "failed", "the rerun left the failed run as it was");
  log("reran a failed run from its page; the new run succeeded and both link to each other");

  // A run of 500 steps (20 layers of 25, two dependencies each) stays responsive: the graph is
  // laid out off the page's thread, and events are applied a frame at a time, so no task holds
  // the page for long while the run's 1,000 events arrive.
  const big = ["name: ui-big", "max_parallel: 16", "steps:"];
  for (let layer = 0; layer < 20; layer++) {
    for (let i = 0; i < 25; i++) {
      const id = (l, n) => `s${String(l).padStart(2, "0")}-${String(n).padStart(2, "0")}`;
      big.push(`  - id: ${id(layer, i)}`, "    run: 'true'");
      if (layer > 0) big.push(`    depends_on: [${id(layer - 1, i)}, ${id(layer - 1, (i + 1) % 25)}]`);
    }
  }
  writeFileSync(join(work, "big.yaml"), big.join("\n") + "\n");
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: "longtask" });
  });
  const bigRun = runCli("submit", join(work, "big.yaml"));
  await page.click('a[href="#/runs"]');
  await page.click(`#runs tr[data-run="${bigRun}"] a`, { timeout: WAIT });
  await page.waitForSelector("#run-status .s-succeeded", { timeout: 120_000 });
  await page.waitForFunction(
    () => document.querySelectorAll('#dag [data-status="succeeded"]').length === 500,
    null, { timeout: 60_000 });
  const longest = Math.max(0, ...(await page.evaluate(() => window.__longTasks)));
  check(longest < 1500, `no task held the page for 1.5 s or more with 500 steps (longest ${longest} ms)`);
  log(`a 500-step run went green; the longest task took ${longest} ms`);

  // The server page, and a narrow window: nothing wider than the window but the graph's own box.
  await page.click('a[href="#/server"]');
  await page.waitForSelector("#stats .card", { timeout: WAIT });
  await page.waitForFunction(() => (document.getElementById("health")?.textContent ?? "").includes("UP"), null, { timeout: WAIT });
  await page.setViewportSize({ width: 400, height: 800 });
  await page.click('a[href="#/runs"]');
  await page.waitForSelector(`#runs tr[data-run="${cancelRun}"][data-status="cancelled"]`, { timeout: WAIT });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the runs page fits a narrow window (overflow ${overflow}px)`);
  check(await page.evaluate(() => window.__cairnSameLoad === true), "no page reload happened");

  writeFileSync(resultFile, JSON.stringify({ liveRun, cancelRun, bigRun, failedRun, rerunRun }));
  log("all checks passed");
} catch (error) {
  failed = true;
  console.error(`[ui-e2e] ${error.stack ?? error}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
