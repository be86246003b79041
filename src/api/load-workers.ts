/**
 * Parallel parsing for big inputs: the texts are cut into units (whole files,
 * and big files at `---` boundaries), spread over the cores, and parsed by
 * worker threads (load-worker.ts) while the main thread parses its own share.
 * Workers send their documents back as one JSON string: JSON.parse on the
 * main thread is cheaper than structured clone for many small objects.
 *
 * Off by default: with the fast reader a 6.6 MB cluster parses in ~0.45 s of
 * CPU on one thread, and each worker pays its own start-up and a cold JIT
 * plus the JSON round trip, so on the 2-core machine it was measured on the
 * parallel load was slower (bench/load.bench.ts, docs/loading.md). It stays
 * available (`parallel: true`) for many-core machines and huge inputs.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { chunkText, parseText, type RawDoc } from "./load-parse.js";

/** Inputs from which `parallel` defaults to on: many cores and a very big input. */
export const PARALLEL_MIN_BYTES = 32_000_000;
export const PARALLEL_MIN_CORES = 4;

export interface Unit {
  file: number;
  /** Offset of the unit in its file's text, and index of its first document. */
  base: number;
  docBase: number;
  text: string;
}

export function shouldUseWorkers(texts: readonly string[]): boolean {
  return (
    availableParallelism() >= PARALLEL_MIN_CORES &&
    texts.reduce((n, t) => n + t.length, 0) >= PARALLEL_MIN_BYTES
  );
}

/** Cuts the texts into units and groups them into `n` groups of similar size. */
export function planUnits(texts: readonly string[], n: number): Unit[][] {
  const total = texts.reduce((a, t) => a + t.length, 0);
  const units: Unit[] = [];
  texts.forEach((text, file) => {
    const pieces =
      text.length > total / (n * 2)
        ? chunkText(text, Math.max(1, Math.ceil((text.length * n) / total)))
        : undefined;
    if (pieces) for (const p of pieces) units.push({ file, base: p.base, docBase: p.docBase, text: p.text });
    else units.push({ file, base: 0, docBase: 0, text });
  });
  const groups: Unit[][] = Array.from({ length: n }, () => []);
  const sizes = new Array<number>(n).fill(0);
  // Largest first into the lightest group; keeps groups within one unit of each other.
  const order = units
    .map((_, i) => i)
    .sort((a, b) => (units[b]?.text.length ?? 0) - (units[a]?.text.length ?? 0));
  for (const i of order) {
    let g = 0;
    for (let k = 1; k < n; k++) if ((sizes[k] ?? 0) < (sizes[g] ?? 0)) g = k;
    const u = units[i] as Unit;
    groups[g]?.push(u);
    sizes[g] = (sizes[g] ?? 0) + u.text.length;
  }
  return groups;
}

/** Parses one group of units (in a worker or here). */
export function parseUnits(units: readonly Unit[]): RawDoc[][] {
  return units.map((u) => parseText(u.text));
}

function startWorker(texts: string[]): Worker {
  if (import.meta.url.endsWith(".ts")) {
    // Running from TypeScript sources (tests, tsx): register tsx's loader in the worker first.
    const entry = new URL("./load-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: texts });
  }
  return new Worker(new URL("./load-worker.js", import.meta.url), { workerData: texts });
}

function runWorker(units: readonly Unit[]): Promise<RawDoc[][]> {
  return new Promise((resolve, reject) => {
    const w = startWorker(units.map((u) => u.text));
    w.once("message", (json: string) => {
      resolve(JSON.parse(json) as RawDoc[][]);
      void w.terminate();
    });
    w.once("error", reject);
    w.once("exit", (code) => {
      if (code !== 0) reject(new Error(`manifest parser worker exited with code ${code}`));
    });
  });
}

/** Same result as `texts.map(parseText)`, computed on several threads. */
export async function parseInWorkers(
  texts: readonly string[],
  threads = Math.min(4, availableParallelism()),
): Promise<RawDoc[][]> {
  const n = Math.max(1, threads);
  const groups = planUnits(texts, n);
  const [own, ...others] = groups;
  const pending = others.map((g) => (g.length > 0 ? runWorker(g) : Promise.resolve([])));
  const mine = parseUnits(own ?? []);
  const results = [mine, ...(await Promise.all(pending))];
  const perFile: { docBase: number; base: number; docs: RawDoc[] }[][] = texts.map(() => []);
  groups.forEach((g, gi) => {
    g.forEach((u, ui) => {
      perFile[u.file]?.push({ docBase: u.docBase, base: u.base, docs: results[gi]?.[ui] ?? [] });
    });
  });
  return perFile.map((parts) =>
    parts
      .sort((a, b) => a.base - b.base)
      .flatMap((p) =>
        p.docs.map((d) => ({
          ...d,
          index: d.index + p.docBase,
          start: d.start + p.base,
          end: d.end + p.base,
          rootOffset: d.rootOffset + p.base,
          errors: d.errors.map((e) => ({ ...e, offset: e.offset + p.base })),
        })),
      ),
  );
}
