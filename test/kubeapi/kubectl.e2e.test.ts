/**
 * End to end with real kubectl (the oldest and newest on the machine) against
 * the API server over a FakeHost backed by the real compileSnapshot: version,
 * api-resources, get (tables, wide, json, yaml, selectors), describe, apply
 * (created / unchanged / configured), apply --server-side with a conflict,
 * create secret tls, patch (strategic, merge, json), scale, wait, delete,
 * explain, an invalid apply refused with field causes and nothing changed,
 * and a wrong token refused.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeApi, startKubeApi } from "../../src/kubeapi/server.js";
import { FakeHost } from "./fake-host.js";
import { kubectl, kubectlBinary, VERSIONS } from "./kubectl.js";

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: REPLICAS
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
`;

const BAD = `apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  selector: {app: web}
  ports:
  - port: 70000
`;

for (const version of VERSIONS) {
  describe(`kubectl ${version}`, () => {
    let dir: string;
    let host: FakeHost;
    let api: KubeApi;
    let bin: string;
    const k = (args: string[], input?: string) => kubectl(bin, api.kubeconfigPath, args, input);
    const write = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };

    beforeAll(async () => {
      bin = kubectlBinary(version);
      dir = mkdtempSync(join(tmpdir(), "michi-kubeapi-"));
      host = new FakeHost();
      api = await startKubeApi(host, { address: "127.0.0.1:0", stateDir: dir });
    });
    afterAll(async () => {
      await api?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("writes a private kubeconfig and answers version and api-resources", async () => {
      expect(api.kubeconfigPath).toBe(join(dir, "kubeconfig"));
      expect(execFileSync("stat", ["-c", "%a", api.kubeconfigPath], { encoding: "utf8" }).trim()).toBe("600");
      const v = await k(["version"]);
      expect(v.stdout).toMatch(/Server Version: (v1\.33\.0|version\.Info\{.*GitVersion:"v1\.33\.0")/);
      const r = await k(["api-resources"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
      expect(r.stdout).toMatch(/networkpolicies\s+netpol\s+networking\.k8s\.io\/v1\s+true\s+NetworkPolicy/);
      expect(r.stdout).toMatch(/nodes\s+no\s+v1\s+false\s+Node/);
    });

    it("applies: created, unchanged, configured — and the controllers' pods appear", async () => {
      const f = write("web.yaml", WEB.replace("REPLICAS", "2"));
      const a = await k(["apply", "-f", f]);
      expect(a.stdout).toContain("deployment.apps/web created");
      expect(a.stdout).toContain("service/web created");
      const b = await k(["apply", "-f", f]);
      expect(b.stdout).toContain("deployment.apps/web unchanged");
      write("web.yaml", WEB.replace("REPLICAS", "3"));
      const c = await k(["apply", "-f", f]);
      expect(c.stdout).toContain("deployment.apps/web configured");
      expect(c.stdout).toContain("service/web unchanged");
      const pods = await k(["get", "pods", "-l", "app=web", "-o", "name"]);
      expect(pods.stdout.trim().split("\n")).toHaveLength(3);
    });

    it("prints tables, wide columns, json and yaml, with selectors", async () => {
      const t = await k(["get", "pods", "-l", "app=web"]);
      expect(t.stdout.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      expect(t.stdout).toMatch(/web-\w+-\w+\s+1\/1\s+Running\s+0\s+\d+s/);
      const w = await k(["get", "pods", "-l", "app=web", "-o", "wide"]);
      expect(w.stdout.split("\n")[0]).toMatch(/IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/);
      expect(w.stdout).toMatch(/10\.244\.\d+\.\d+\s+node-\d/);
      const j = JSON.parse((await k(["get", "svc", "web", "-o", "json"])).stdout);
      expect(j.spec.clusterIP).toMatch(/^10\.9[6-9]|^10\.1[01]\d/);
      expect(j.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      const y = await k(["get", "deploy", "web", "-o", "yaml"]);
      expect(y.stdout).toContain("kind: Deployment");
      expect(y.stdout).toContain("replicas: 3");
      const node = JSON.parse((await k(["get", "pods", "-l", "app=web", "-o", "json"])).stdout).items[0].spec
        .nodeName;
      const onNode = await k([
        "get",
        "pods",
        "-A",
        "--field-selector",
        `spec.nodeName=${node}`,
        "-o",
        "json",
      ]);
      const items = JSON.parse(onNode.stdout).items as { spec: { nodeName: string } }[];
      expect(items.length).toBeGreaterThan(0);
      expect(items.every((p) => p.spec.nodeName === node)).toBe(true);
      const all = await k(["get", "all"]);
      expect(all.stdout).toContain("deployment.apps/web");
      expect(all.stdout).toContain("service/web");
    });

    it("describes and explains", async () => {
      const d = await k(["describe", "svc", "web"]);
      expect(d.stdout).toMatch(/Selector:\s+app=web/);
      expect(d.stdout).toMatch(/Endpoints:\s+10\.244\./);
      const pod = (
        await k(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
      ).stdout.trim();
      const dp = await k(["describe", "pod", pod]);
      expect(dp.stdout).toMatch(
        /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/web-/,
      );
      const ev = await k(["get", "events", "--field-selector", "reason=SuccessfulCreate"]);
      expect(ev.stdout).toMatch(/Normal\s+SuccessfulCreate\s+replicaset\/web-\w+\s+Created pod: web-/);
      const e = await k(["explain", "service.spec.ports"]);
      expect(e.code).toBe(0);
      expect(e.stdout).toMatch(/port\s+<integer>/);
      expect(e.stdout).toMatch(/targetPort\s+<(IntOrString|string)>/);
    });

    it("refuses an invalid object with the field's cause and changes nothing", async () => {
      const before = host.writes;
      const r = await k(["apply", "-f", write("bad.yaml", BAD)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('The Service "bad" is invalid');
      expect(r.stderr).toContain("spec.ports[0].port");
      expect(host.writes).toBe(before);
      expect((await k(["get", "svc", "bad"])).stderr).toContain('services "bad" not found');
      const p = await k(["patch", "svc", "web", "-p", '{"spec":{"ports":[{"port":80,"nodePort":5}]}}']);
      expect(p.stderr).toContain('The Service "web" is invalid');
      expect(host.writes).toBe(before);
      const d = await k(["describe", "svc", "web"]);
      expect(d.stdout).toMatch(
        /Warning\s+FailedValidation\s+\S+\s+michi-apiserver\s+michi refused the change/,
      );
    });

    it("refuses a wrong token", async () => {
      const r = await k(["--token", "not-the-token", "get", "pods"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("Unauthorized");
    });

    it("creates a TLS secret", async () => {
      const key = join(dir, "tls.key");
      const crt = join(dir, "tls.crt");
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          key,
          "-out",
          crt,
          "-subj",
          "/CN=web.example",
          "-days",
          "1",
        ],
        { stdio: "ignore" },
      );
      const r = await k(["create", "secret", "tls", "web-tls", "--cert", crt, "--key", key]);
      expect(r.stdout).toContain("secret/web-tls created");
      const s = JSON.parse((await k(["get", "secret", "web-tls", "-o", "json"])).stdout);
      expect(s.type).toBe("kubernetes.io/tls");
      expect(Buffer.from(s.data["tls.crt"], "base64").toString()).toBe(readFileSync(crt, "utf8"));
    });

    it("patches with strategic merge, JSON merge and JSON patch", async () => {
      const sm = await k([
        "patch",
        "deploy",
        "web",
        "-p",
        '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}',
      ]);
      expect(sm.stdout).toContain("deployment.apps/web patched");
      const d = JSON.parse((await k(["get", "deploy", "web", "-o", "json"])).stdout);
      // Merged by name: the container keeps its port.
      expect(d.spec.template.spec.containers).toEqual([
        expect.objectContaining({
          name: "web",
          image: "nginx:1.27",
          ports: [expect.objectContaining({ containerPort: 80 })],
        }),
      ]);
      await k(["patch", "svc", "web", "--type", "merge", "-p", '{"metadata":{"labels":{"tier":"front"}}}']);
      await k([
        "patch",
        "svc",
        "web",
        "--type",
        "json",
        "-p",
        '[{"op":"add","path":"/metadata/labels/team","value":"a"}]',
      ]);
      const l = await k(["get", "svc", "-l", "tier=front,team=a", "-o", "name"]);
      expect(l.stdout.trim()).toBe("service/web");
    });

    it("scales and waits", async () => {
      expect((await k(["scale", "deploy", "web", "--replicas", "1"])).stdout).toContain(
        "deployment.apps/web scaled",
      );
      const pods = await k(["get", "pods", "-l", "app=web", "-o", "name"]);
      expect(pods.stdout.trim().split("\n")).toHaveLength(1);
      const w = await k(["wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=10s"]);
      expect(w.code).toBe(0);
      expect(w.stdout).toContain("condition met");
    });

    it("applies server-side, reports a conflict, and takes the field with --force-conflicts", async () => {
      const api = (WEB.split("---")[0] ?? "").replaceAll("web", "api");
      const f = write("ssa.yaml", api.replace("REPLICAS", "2"));
      const a = await k(["apply", "--server-side", "--field-manager", "ops", "-f", f]);
      expect(a.stdout).toContain("deployment.apps/api serverside-applied");
      const f2 = write("ssa2.yaml", api.replace("REPLICAS", "4"));
      const c = await k(["apply", "--server-side", "--field-manager", "other", "-f", f2]);
      expect(c.code).not.toBe(0);
      expect(c.stderr).toMatch(/conflict with "ops"/);
      expect(c.stderr).toContain(".spec.replicas");
      const forced = await k([
        "apply",
        "--server-side",
        "--field-manager",
        "other",
        "--force-conflicts",
        "-f",
        f2,
      ]);
      expect(forced.code).toBe(0);
      const d = JSON.parse((await k(["get", "deploy", "api", "-o", "json", "--show-managed-fields"])).stdout);
      expect(d.spec.replicas).toBe(4);
      expect(
        (await k(["get", "pods", "-l", "app=api", "-o", "name"])).stdout.trim().split("\n"),
      ).toHaveLength(4);
      expect(d.metadata.managedFields.map((m: { manager: string }) => m.manager)).toContain("other");
    });

    it("streams logs (all, --tail, -f)", async () => {
      const pod = (
        await k(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
      ).stdout.trim();
      host.writeLog("default", pod, "one\ntwo\nthree\n");
      expect((await k(["logs", pod])).stdout).toBe("one\ntwo\nthree\n");
      expect((await k(["logs", pod, "--tail", "1"])).stdout).toBe("three\n");
      const follow = spawn(bin, ["logs", "-f", pod], {
        env: { ...process.env, KUBECONFIG: api.kubeconfigPath, HOME: dir },
      });
      let out = "";
      await new Promise<void>((resolve, reject) => {
        follow.on("error", reject);
        follow.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out === "one\ntwo\nthree\n") host.writeLog("default", pod, "four\n");
          if (out.endsWith("four\n")) resolve();
        });
      });
      follow.kill();
      expect(out).toBe("one\ntwo\nthree\nfour\n");
      const none = await k([
        "logs",
        (await k(["get", "pods", "-n", "kube-system", "-o", "name"])).stdout.split("\n")[0] ?? "",
        "-n",
        "kube-system",
      ]);
      expect(none.code).not.toBe(0);
      expect(none.stderr).toContain("built-in server");
    });

    it("port-forwards to a pod", async () => {
      const backend: Server = createServer((req, res) => res.end(`pod says ${req.url}`));
      await new Promise<void>((r) => backend.listen(0, "127.0.0.1", r));
      const pod = (
        await k(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
      ).stdout.trim();
      host.podPorts.set(`default/${pod}:80`, (backend.address() as { port: number }).port);
      const pf = spawn(bin, ["port-forward", "--address", "127.0.0.1", `pod/${pod}`, ":80"], {
        env: { ...process.env, KUBECONFIG: api.kubeconfigPath, HOME: dir },
      });
      try {
        const local = await new Promise<number>((resolve, reject) => {
          let text = "";
          pf.on("exit", (c) => reject(new Error(`port-forward exited ${c}: ${text}`)));
          pf.stderr.on("data", (d: Buffer) => {
            text += d.toString();
          });
          pf.stdout.on("data", (d: Buffer) => {
            text += d.toString();
            const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(text);
            if (m) resolve(Number(m[1]));
          });
        });
        for (const path of ["/a", "/b"]) {
          const r = await fetch(`http://127.0.0.1:${local}${path}`);
          expect(await r.text()).toBe(`pod says ${path}`);
        }
      } finally {
        pf.kill();
        backend.close();
      }
    });

    it("watches: the table rows of new pods as they appear", async () => {
      const w = spawn(bin, ["get", "pods", "-l", "app=web", "--watch", "--output-watch-events"], {
        env: { ...process.env, KUBECONFIG: api.kubeconfigPath, HOME: dir },
      });
      let out = "";
      try {
        await new Promise<void>((resolve, reject) => {
          w.on("exit", (c) => reject(new Error(`watch exited ${c}: ${out}`)));
          let scaled = false;
          w.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (!scaled && /ADDED\s+web-/.test(out)) {
              scaled = true;
              void k(["scale", "deploy", "web", "--replicas", "2"]);
            }
            if ((out.match(/ADDED\s+web-/g) ?? []).length >= 2) resolve();
          });
        });
      } finally {
        w.kill();
      }
      expect(out.split("\n")[0]).toMatch(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      expect(out).toMatch(/ADDED\s+web-\w+-\w+\s+1\/1\s+Running/);
    });

    it("runs the imperative commands: create deployment, expose, rollout status, set image, label, edit, run", async () => {
      expect((await k(["create", "deployment", "hello", "--image=nginx", "--replicas=2"])).stdout).toContain(
        "deployment.apps/hello created",
      );
      expect(
        (await k(["expose", "deployment", "hello", "--port=80", "--target-port=8080"])).stdout,
      ).toContain("service/hello exposed");
      expect((await k(["rollout", "status", "deployment/hello", "--timeout=10s"])).stdout).toContain(
        'deployment "hello" successfully rolled out',
      );
      expect((await k(["set", "image", "deployment/hello", "nginx=nginx:2"])).stdout).toContain(
        "image updated",
      );
      expect((await k(["label", "svc", "hello", "tier=edge"])).stdout).toContain("service/hello labeled");
      const editor = write("editor.sh", "#!/bin/sh\nsed -i 's/tier: edge/tier: core/' \"$1\"\n");
      execFileSync("chmod", ["+x", editor]);
      const ed = await kubectl(bin, api.kubeconfigPath, ["edit", "svc", "hello"], undefined, {
        EDITOR: editor,
      });
      expect(ed.stdout).toContain("service/hello edited");
      expect((await k(["get", "svc", "-l", "tier=core", "-o", "name"])).stdout.trim()).toBe("service/hello");
      const svc = JSON.parse((await k(["get", "svc", "hello", "-o", "json"])).stdout);
      expect(svc.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080, protocol: "TCP" });
      expect((await k(["run", "solo", "--image=nginx"])).stdout).toContain("pod/solo created");
      expect((await k(["get", "pod", "solo", "-o", "jsonpath={.status.phase}"])).stdout).toBe("Running");
      expect((await k(["delete", "deployment", "hello"])).stdout).toContain(
        'deployment.apps "hello" deleted',
      );
      expect((await k(["get", "pods", "-l", "app=hello", "-o", "name"])).stdout.trim()).toBe("");
    });

    it("refuses to delete a derived pod and deletes user objects", async () => {
      const pod = (
        await k(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])
      ).stdout.trim();
      const rp = await k(["delete", "pod", pod]);
      expect(rp.code).not.toBe(0);
      expect(rp.stderr).toContain("Forbidden");
      const r = await k(["delete", "svc", "web"]);
      expect(r.stdout).toContain('service "web" deleted');
      expect((await k(["get", "svc", "web"])).stderr).toContain("NotFound");
    });
  });
}
