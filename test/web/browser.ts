/**
 * Test helpers for the dashboard's end-to-end tests: real Chromium (the
 * Debian package, driven by playwright-core with a fresh profile), the built
 * front end, `michi ui` as a child process, and screenshots under
 * test-artifacts/dashboard/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
export const ARTIFACTS = join(ROOT, "test-artifacts", "dashboard");
export const CHROMIUM = process.env.MICHI_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Builds the front end when dist/dashboard is missing (`npm test` builds it
 * first). Test files run in parallel: one builds under a lock directory, the
 * others wait for its index.html.
 */
export async function ensureFrontEnd(): Promise<void> {
  const index = join(ROOT, "dist/dashboard/index.html");
  if (existsSync(index)) return;
  const lock = join(ROOT, "dist/.dashboard-build-lock");
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  let owner = false;
  try {
    mkdirSync(lock);
    owner = true;
  } catch {
    // Someone else is building.
  }
  if (owner) {
    try {
      const { build } = await import("vite");
      await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "warn" });
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    return;
  }
  for (let i = 0; i < 600 && !existsSync(index); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(index))
    throw new Error(`the front end was not built: run \`npm run build:web\` (${index} missing)`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  errors: string[];
  shot: (name: string) => Promise<string>;
  close: () => Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (.ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), "michi-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1440, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    shot: async (name) => {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface UiServer {
  url: string;
  proc: ChildProcess;
  stop: () => Promise<number | null>;
}

/** `michi ui -f PATH --ui 127.0.0.1:0` from the sources; resolves once it prints its `ready` line. */
export async function startUi(paths: string[], extra: string[] = []): Promise<UiServer> {
  const proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "ui",
      ...paths.flatMap((p) => ["-f", p]),
      "--ui",
      "127.0.0.1:0",
      ...extra,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  const url = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`michi ui not ready in 60 s:\n${out}\n${err}`)), 60_000);
    proc.stdout?.on("data", () => {
      const m = /ready: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m?.[1]) {
        clearTimeout(t);
        res(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      rej(new Error(`michi ui exited ${code}:\n${out}\n${err}`));
    });
  });
  return {
    url,
    proc,
    stop: async () => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      return exited;
    },
  };
}
