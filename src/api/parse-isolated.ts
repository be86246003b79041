/**
 * Manifest parsing off the thread that serves traffic. `michi up` answers DNS,
 * proxies and the admin API on its main thread; a hostile or merely huge
 * manifest applied or reloaded there must not stall them or take the process
 * down. These entry points run the parse (the CPU- and memory-heavy part) in
 * a worker thread with V8 resource limits and a timeout, and assemble the
 * objects on the calling thread. Reading files stays on the caller (it is
 * I/O); so do the on-demand position look-ups of diagnostics, which re-read
 * one document already known to be within the depth and alias limits.
 *
 * One worker is kept warm and serves requests one at a time; a request that
 * exceeds its memory or time budget ends that worker (the next request starts
 * a fresh one) and gets an error diagnostic, never an exception.
 */
import { Worker } from "node:worker_threads";
import type { Diagnostic } from "./diagnostics.js";
import {
  assembleManifests,
  type LoadOptions,
  type LoadResult,
  type ManifestInput,
  normalizeText,
  readManifestInputs,
} from "./load.js";
import type { RawDoc } from "./load-parse.js";

export interface IsolatedParseLimits {
  /** Wall-clock budget of one parse (default 20 000 ms). */
  timeoutMs?: number;
  /** The worker's old-generation heap (default 512 MB). */
  maxOldGenerationSizeMb?: number;
  /** The worker's young generation (default 32 MB). */
  maxYoungGenerationSizeMb?: number;
  /** The worker's stack (default 4 MB). */
  stackSizeMb?: number;
}

export const ISOLATED_PARSE_DEFAULTS: Required<IsolatedParseLimits> = {
  timeoutMs: 20_000,
  maxOldGenerationSizeMb: 512,
  maxYoungGenerationSizeMb: 32,
  stackSizeMb: 4,
};

/** `loadManifests` with the parse in a worker thread (files read here). */
export async function loadManifestsIsolated(
  paths: readonly string[],
  options: Pick<LoadOptions, "stdin"> & { limits?: IsolatedParseLimits } = {},
): Promise<LoadResult> {
  const { inputs, diagnostics } = await readManifestInputs(paths, options);
  return parseInputsIsolated(inputs, diagnostics, options.limits);
}

/** `parseManifests` (one text, e.g. an admin API request body) with the parse in a worker thread. */
export async function parseManifestsIsolated(
  text: string,
  file: string,
  limits?: IsolatedParseLimits,
): Promise<LoadResult> {
  return parseInputsIsolated([{ file, text }], [], limits);
}

async function parseInputsIsolated(
  inputs: ManifestInput[],
  diagnostics: Diagnostic[],
  limits: IsolatedParseLimits | undefined,
): Promise<LoadResult> {
  const texts = inputs.map((i) => normalizeText(i.text));
  const lim = { ...ISOLATED_PARSE_DEFAULTS, ...limits };
  const r = await pool.run(texts, lim);
  if ("failure" in r) {
    const where = inputs.length === 1 ? (inputs[0] as ManifestInput).file : `${inputs.length} files`;
    diagnostics.push({
      severity: "error",
      code: "ParseLimit",
      file: inputs[0]?.file ?? "<none>",
      message: `cannot parse ${where}: ${r.failure}`,
    });
    return { objects: [], diagnostics };
  }
  return assembleManifests(inputs, texts, r.docs, diagnostics);
}

type Outcome = { docs: RawDoc[][] } | { failure: string };

interface Job {
  texts: string[];
  limits: Required<IsolatedParseLimits>;
  done: (o: Outcome) => void;
}

/** One warm worker, one request at a time; a worker whose limits differ from the next job's is replaced. */
class ParserPool {
  private worker: Worker | undefined;
  private workerLimits = "";
  private readonly queue: Job[] = [];
  private busy = false;
  private nextId = 1;

  run(texts: string[], limits: Required<IsolatedParseLimits>): Promise<Outcome> {
    return new Promise((done) => {
      this.queue.push({ texts, limits, done });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (!job) return;
    this.busy = true;
    const key = JSON.stringify([
      job.limits.maxOldGenerationSizeMb,
      job.limits.maxYoungGenerationSizeMb,
      job.limits.stackSizeMb,
    ]);
    if (this.worker && this.workerLimits !== key) this.discard();
    let w = this.worker;
    if (!w) {
      w = startWorker(job.limits);
      w.unref();
      this.worker = w;
      this.workerLimits = key;
    }
    const worker = w;
    const id = this.nextId++;
    let settled = false;
    const finish = (o: Outcome, kill: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      // Idle, the warm worker does not keep the process alive.
      worker.unref();
      if (kill && this.worker === worker) this.discard();
      this.busy = false;
      job.done(o);
      this.pump();
    };
    const onMessage = (m: { id: number; json: string }) => {
      if (m.id !== id) return;
      let docs: RawDoc[][];
      try {
        docs = JSON.parse(m.json) as RawDoc[][];
      } catch (err) {
        finish({ failure: `parser returned an unreadable result (${(err as Error).message})` }, true);
        return;
      }
      finish({ docs }, false);
    };
    const onError = (err: Error & { code?: string }) => {
      const why =
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `the parser ran out of its ${job.limits.maxOldGenerationSizeMb} MB memory limit`
          : `the parser failed: ${err.message}`;
      finish({ failure: why }, true);
    };
    const onExit = (code: number) => {
      if (this.worker === worker) this.worker = undefined;
      finish({ failure: `the parser exited (code ${code})` }, false);
    };
    const timer = setTimeout(() => {
      finish({ failure: `parsing took longer than ${job.limits.timeoutMs} ms` }, true);
    }, job.limits.timeoutMs);
    timer.unref();
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    // Busy, it does: a pending parse is work in progress.
    worker.ref();
    worker.postMessage({ id, texts: job.texts });
  }

  private discard(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }
}

const pool = new ParserPool();

function startWorker(limits: Required<IsolatedParseLimits>): Worker {
  const resourceLimits = {
    maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
    maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb,
    stackSizeMb: limits.stackSizeMb,
  };
  if (import.meta.url.endsWith(".ts")) {
    // Running from TypeScript sources (tests, tsx): register tsx's loader in the worker first.
    const entry = new URL("./parse-isolated-worker.ts", import.meta.url).href;
    const boot = `import("tsx/esm/api").then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, resourceLimits });
  }
  return new Worker(new URL("./parse-isolated-worker.js", import.meta.url), { resourceLimits });
}
