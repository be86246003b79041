/**
 * The DNS servers running in this process, by the UDP address they listen
 * on. The data plane delivers a UDP flow to a CoreDNS pod through this
 * instead of a socket bound to the client's address: the server gets the
 * client's address as an argument, so nothing is lost, and a resolver that
 * asks from a new source port every time no longer costs a file descriptor
 * per query for 30 s.
 */

/** Answers one DNS message from `remote` (undefined: no answer, as the server drops it). */
export type InProcessDns = (msg: Buffer, remote: string) => Buffer | Promise<Buffer | undefined> | undefined;

const servers = new Map<string, InProcessDns>();

/** Registers a server's UDP handler; returns the unregister function. */
export function registerInProcessDns(host: string, port: number, handler: InProcessDns): () => void {
  const key = `${host}:${port}`;
  servers.set(key, handler);
  return () => {
    if (servers.get(key) === handler) servers.delete(key);
  };
}

export function inProcessDns(host: string, port: number): InProcessDns | undefined {
  return servers.size === 0 ? undefined : servers.get(`${host}:${port}`);
}
