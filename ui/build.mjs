// Bundles the UI into one directory of static files: node build.mjs [OUTDIR] (default dist/).
// The Maven build calls it through build.sh with the server's META-INF/resources, so that the
// server jar serves the page at /.
import { build } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, "dist"));

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { app: join(here, "src/main.ts"), "layout-worker": join(here, "src/layout-worker.ts") },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["chrome110", "firefox110", "safari16"],
  outdir,
  legalComments: "linked",
  logLevel: "warning",
});
await copyFile(join(here, "src/index.html"), join(outdir, "index.html"));
await copyFile(join(here, "src/style.css"), join(outdir, "style.css"));
console.log(`cairn-ui: built into ${outdir}`);
