/**
 * Per-instance credentials: a CA, a serving certificate it signs for
 * 127.0.0.1/localhost (and the address served), and a bearer token. Nothing is
 * reused across runs: a stale kubeconfig cannot reach a new instance.
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";

export interface Credentials {
  caCert: string;
  cert: string;
  key: string;
  token: string;
}

export async function generateCredentials(host: string): Promise<Credentials> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: "commonName", value: "michi-ca" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: "localhost" },
    { type: 2, value: "kubernetes" },
    { type: 2, value: "kubernetes.default.svc" },
    { type: 7, ip: "127.0.0.1" },
  ];
  if (isIP(host) && host !== "127.0.0.1") altNames.push({ type: 7, ip: host });
  else if (!isIP(host) && host !== "localhost") altNames.push({ type: 2, value: host });
  const serving = await generate([{ name: "commonName", value: "kube-apiserver" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return {
    caCert: ca.cert,
    cert: serving.cert,
    key: serving.private,
    token: randomBytes(32).toString("base64url"),
  };
}
