/**
 * Issue 18 item 1: every command ends quietly when its stdout is closed
 * (`michi … | head`), as a Unix tool killed by SIGPIPE: exit 0, nothing on
 * stderr about EPIPE, no stack trace.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const IDP = "examples/idp-system";

const COMMANDS: string[][] = [
  ["get", "pod", "idp-system/postgres-0", "-o", "env", "-f", IDP],
  ["get", "pods", "-A", "-o", "name", "-f", IDP],
  ["get", "pods", "-A", "-f", IDP],
  ["dns", "-f", IDP, "idp-server.idp-system.svc.cluster.local"],
  ["matrix", "-A", "-o", "json", "-f", IDP],
  ["lint", "-f", IDP],
  ["validate", "-f", IDP],
  ["check", "-f", IDP, "--from", "idp-system/postgres-0", "--to", "idp-system/postgres-0", "--port", "5432"],
  ["route", "-f", IDP, "http://idp.example.com/"],
  ["version"],
  ["get", "--help"],
];

describe("a closed stdout", () => {
  for (const args of COMMANDS) {
    it(`michi ${args.join(" ")} | head: exit 0, no stack trace`, async () => {
      const r = await runCli(args, { closeStdout: true });
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
      expect(r.code).toBe(0);
    });
  }
});
