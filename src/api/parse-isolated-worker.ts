/**
 * Worker-thread entry for isolated parsing (parse-isolated.ts): a long-lived
 * thread that parses the texts of each request and posts the documents back
 * as one JSON string.
 */
import { parentPort } from "node:worker_threads";
import { parseText } from "./load-parse.js";

parentPort?.on("message", (msg: { id: number; texts: string[] }) => {
  const docs = msg.texts.map((t) => parseText(t));
  parentPort?.postMessage({ id: msg.id, json: JSON.stringify(docs) });
});
