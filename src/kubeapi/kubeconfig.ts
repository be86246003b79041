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
import { stringify } from "yaml";
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
