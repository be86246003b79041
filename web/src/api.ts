/**
 * The front end's client for michi's `/api`: typed GETs that throw an Error
 * carrying the server's message, and the URL of the flow stream.
 */

export type Params = Record<string, string | number | undefined>;

export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `api/${path}${s ? `?${s}` : ""}`;
}

export async function getJSON<T>(
  path: string,
  params: Params = {},
  extra: [string, string][] = [],
): Promise<T> {
  let url = apiUrl(path, params);
  for (const [k, v] of extra)
    url += `${url.includes("?") ? "&" : "?"}${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
  const res = await fetch(url, { headers: { accept: "application/json" } });
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (!res.ok) {
    const msg = (body as { error?: { message?: string } } | undefined)?.error?.message;
    throw new Error(msg ?? `${res.status} ${res.statusText}`);
  }
  return body as T;
}
