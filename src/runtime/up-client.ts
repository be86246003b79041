/**
 * The client side of the admin API, for the commands that talk to a running
 * `michi up`: finds the server (--name, --server, else the only instance
 * running), attaches the token, and turns connection failures into one clear
 * message.
 */
import { MichiError } from "../api/diagnostics.js";
import { findUpRecord } from "./state-file.js";

export interface UpClient {
  server: string;
  token: string | undefined;
  get(path: string): Promise<Response>;
  post(path: string, body: string, contentType?: string): Promise<Response>;
}

export interface UpTarget {
  server?: string | undefined;
  token?: string | undefined;
  /** The instance's --name (default: the only one running). */
  name?: string | undefined;
}

export function upClient({ server, token, name }: UpTarget): UpClient {
  const rec = findUpRecord({ name, server });
  const base = (server ?? rec?.server)?.replace(/\/$/, "");
  if (!base) {
    throw new MichiError(
      "NoServer",
      "no running michi up found: start one with `michi up -f DIR`, or pass --server http://ADDR:PORT",
    );
  }
  const tok =
    token ??
    process.env.MICHI_TOKEN ??
    (rec && rec.server.replace(/\/$/, "") === base ? rec.token : undefined);
  const call = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new MichiError(
        "ServerUnreachable",
        `cannot reach michi up at ${base}${cause?.code ? ` (${cause.code})` : ""}: is it running? (--server)`,
      );
    }
  };
  const headers = (extra: Record<string, string> = {}): Record<string, string> =>
    tok ? { ...extra, authorization: `Bearer ${tok}` } : extra;
  return {
    server: base,
    token: tok,
    get: (path) => call(path, { headers: headers() }),
    post: (path, body, contentType = "application/yaml") =>
      call(path, { method: "POST", body, headers: headers({ "content-type": contentType }) }),
  };
}
