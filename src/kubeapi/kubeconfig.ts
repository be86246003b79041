/**
 * The kubeconfig `michi up --api` writes: one cluster, user and context named
 * `michi` (the instance's CA, its URL and bearer token). It holds a secret, so
 * it is written with mode 0600, replacing only a regular file michi owns —
 * never following a symlink an attacker could plant — via a fresh temporary
 * file created exclusively and renamed into place.
 */
import { randomBytes } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { parse, stringify } from "yaml";
import { MichiError } from "../api/diagnostics.js";

export const CONTEXT = "michi";

/** `$MICHI_STATE_DIR/kubeconfig`, default `~/.michi/kubeconfig`. */
export function defaultKubeconfigPath(stateDir?: string): string {
  return join(stateDir ?? process.env.MICHI_STATE_DIR ?? join(homedir(), ".michi"), "kubeconfig");
}

export function kubeconfigText(server: string, caCert: string, token: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: CONTEXT,
        cluster: { server, "certificate-authority-data": Buffer.from(caCert).toString("base64") },
      },
    ],
    users: [{ name: CONTEXT, user: { token } }],
    contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } }],
    "current-context": CONTEXT,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, text: string): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const st = await fs.lstat(path);
    if (st.isSymbolicLink()) {
      throw new MichiError(
        "KubeconfigSymlink",
        `${path} is a symbolic link: refusing to write credentials through it`,
      );
    }
    if (!st.isFile()) throw new MichiError("KubeconfigNotFile", `${path} exists and is not a regular file`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const fh = await fs.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    await fh.writeFile(text);
    await fh.chmod(0o600);
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path);
}

/** The kubeconfig a bare kubectl reads: the first `$KUBECONFIG` entry, else `~/.kube/config`. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? "").split(":").find((p) => p !== "");
  return first ?? join(homedir(), ".kube", "config");
}

interface Named {
  name?: string;
}

interface KubeconfigDoc {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  "current-context"?: string;
  [k: string]: unknown;
}

async function readDoc(path: string): Promise<{ doc: KubeconfigDoc; mode: number; target: string }> {
  let target = path;
  try {
    target = await fs.realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return { doc: { apiVersion: "v1", kind: "Config", preferences: {} }, mode: 0o600, target: path };
  }
  const text = await fs.readFile(target, "utf8");
  const doc = (parse(text) ?? {}) as KubeconfigDoc;
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new MichiError("KubeconfigInvalid", `${path} is not a kubeconfig (not a YAML mapping)`);
  }
  const st = await fs.stat(target);
  return { doc, mode: st.mode & 0o777, target };
}

async function writeDoc(target: string, doc: KubeconfigDoc, mode: number): Promise<void> {
  await fs.mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
  const fh = await fs.open(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    mode,
  );
  try {
    await fh.writeFile(stringify(doc));
    await fh.chmod(mode);
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, target);
}

const without = (list: Named[] | undefined): Named[] => (list ?? []).filter((x) => x.name !== CONTEXT);

/**
 * `--update-kubeconfig`, as kind does: merges the `michi` cluster, user and
 * context into the user's kubeconfig and makes it current. Returns the
 * context that was current before, for `removeFromKubeconfig`.
 */
export async function mergeIntoKubeconfig(
  path: string,
  server: string,
  caCert: string,
  token: string,
): Promise<string | undefined> {
  const { doc, mode, target } = await readDoc(path);
  const previous = doc["current-context"];
  doc.clusters = [
    ...without(doc.clusters),
    {
      name: CONTEXT,
      cluster: { server, "certificate-authority-data": Buffer.from(caCert).toString("base64") },
    } as Named,
  ];
  doc.users = [...without(doc.users), { name: CONTEXT, user: { token } } as Named];
  doc.contexts = [
    ...without(doc.contexts),
    { name: CONTEXT, context: { cluster: CONTEXT, user: CONTEXT } } as Named,
  ];
  doc["current-context"] = CONTEXT;
  await writeDoc(target, doc, mode);
  return previous === CONTEXT ? undefined : previous;
}

/** Removes the `michi` entries again; restores the previous current context if michi's is still current. */
export async function removeFromKubeconfig(path: string, previous: string | undefined): Promise<void> {
  const { doc, mode, target } = await readDoc(path);
  doc.clusters = without(doc.clusters);
  doc.users = without(doc.users);
  doc.contexts = without(doc.contexts);
  if (doc["current-context"] === CONTEXT) doc["current-context"] = previous ?? "";
  await writeDoc(target, doc, mode);
}
