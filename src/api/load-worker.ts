/**
 * Worker-thread entry for parallel manifest parsing (load-workers.ts):
 * parses the texts it was given and posts the documents back as JSON.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseText } from "./load-parse.js";

const texts = workerData as string[];
parentPort?.postMessage(JSON.stringify(texts.map((t) => parseText(t))));
