/**
 * The certificate served for names no TLS Secret covers, like ingress-nginx's
 * "Kubernetes Ingress Controller Fake Certificate": self-signed, generated at
 * start-up, and clearly labelled so nobody mistakes it for a real one.
 */
import { generate } from "selfsigned";

export const FAKE_CERT_CN = "michi Ingress Controller Fake Certificate";

export interface PemPair {
  cert: string;
  key: string;
}

export async function generateDefaultCertificate(): Promise<PemPair> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000);
  const pems = await generate(
    [
      { name: "commonName", value: FAKE_CERT_CN },
      { name: "organizationName", value: "michi (generated default certificate, not trusted)" },
    ],
    {
      // RSA on purpose: Node installs an SNI context's certificate next to the
      // default one (per key type), so an EC default would shadow RSA Secrets
      // for clients that prefer ECDSA. RSA (the usual Secret key type) is replaced instead.
      keyType: "rsa",
      keySize: 2048,
      notBeforeDate: notBefore,
      notAfterDate: notAfter,
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "ingress.local" }] },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}
