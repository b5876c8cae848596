/**
 * The package as a user gets it: build (when dist/ is missing or older than the sources), `npm
 * pack`, and `npm install <tarball>` into a fresh project in the temporary directory.
 *
 * The tests of test/package share one installation per tarball: the project lives in
 * `<tmp>/liquidwave-package-test-<checkout>/<tarball sha1>/` and is reused while the tarball is
 * byte for byte the same (npm packs with fixed timestamps). A lock directory serialises test files that run in
 * parallel, so that only one of them builds, packs and installs.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
// One root per checkout: worktrees of other branches (other tarballs) must not share it.
const ROOT = join(tmpdir(), `liquidwave-package-test-${createHash("sha1").update(REPO).digest("hex").slice(0, 8)}`);
const LOCK = join(ROOT, "lock");

export interface PackedFile {
  path: string;
  size: number;
}

export interface Installed {
  /** The consumer project (its node_modules holds liquidwave and its dependencies). */
  project: string;
  /** The tarball npm packed. */
  tarball: string;
  /** What `npm pack --json` reported: files and sizes. */
  files: PackedFile[];
  unpackedSize: number;
  version: string;
}

/** Newest modification time (ms) of the files under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`);
  }
}

/** Build dist/ from scratch when it is missing or older than src/ or the build config; build the lab page likewise. */
function ensureBuilt(): void {
  const built = existsSync(join(REPO, "dist", "index.js")) ? statSync(join(REPO, "dist", "index.js")).mtimeMs : 0;
  const sources = Math.max(
    newest(join(REPO, "src")),
    statSync(join(REPO, "tsconfig.build.json")).mtimeMs,
    statSync(join(REPO, "tsconfig.json")).mtimeMs,
  );
  if (built <= sources) {
    // From scratch: files of deleted sources must not linger in dist/ (and in the tarball).
    rmSync(join(REPO, "dist"), { recursive: true, force: true });
    // The package's own build script (JavaScript without comments, declarations with TSDoc), so
    // the tarball tested is the one `npm pack` ships after `prepare`.
    run("npm", ["run", "build", "--silent"], REPO);
  }
  // The lab page (dist/lab/, shipped): Vite, when missing or older than its sources or the library's.
  const page = join(REPO, "dist", "lab", "index.html");
  const lab = existsSync(page) ? statSync(page).mtimeMs : 0;
  if (lab <= Math.max(sources, newest(join(REPO, "lab"))))
    run(process.execPath, [join(REPO, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "lab/vite.config.ts"], REPO);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Take the lock (a directory holding the owner's pid); a lock whose owner died is broken. */
function lock(): void {
  mkdirSync(ROOT, { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, "pid"), String(process.pid));
      return;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(LOCK, "pid"), "utf8"));
      } catch {
        /* being created or released */
      }
      if (Number.isInteger(owner) && owner > 0) {
        try {
          process.kill(owner, 0);
        } catch {
          rmSync(LOCK, { recursive: true, force: true });
          continue;
        }
      }
      if (Date.now() > deadline) throw new Error(`installedPackage: lock ${LOCK} held by pid ${owner} for 10 minutes`);
      sleep(200);
    }
  }
}

let memo: Installed | undefined;

/** Build, pack and install the package (once per tarball); see the module comment. */
export function installedPackage(): Installed {
  if (memo) return memo;
  lock();
  try {
    ensureBuilt();
    const packDir = join(ROOT, `pack-${process.pid}`);
    rmSync(packDir, { recursive: true, force: true });
    mkdirSync(packDir);
    // --ignore-scripts: dist/ and dist/lab/ are built above; `prepare` would build them a second time.
    const info = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], REPO))[0] as {
      filename: string;
      shasum: string;
      files: PackedFile[];
      unpackedSize: number;
      version: string;
    };
    const home = join(ROOT, info.shasum);
    const tarball = join(home, info.filename);
    const project = join(home, "project");
    if (!existsSync(join(home, "installed"))) {
      // Another tarball's installation is stale now: remove it, keep the lock and our pack dir.
      for (const e of readdirSync(ROOT))
        if (e !== "lock" && e !== `pack-${process.pid}`) rmSync(join(ROOT, e), { recursive: true, force: true });
      mkdirSync(project, { recursive: true });
      writeFileSync(tarball, readFileSync(join(packDir, info.filename)));
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "liquidwave-consumer", private: true, type: "module" }, null, 2));
      run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], project);
      writeFileSync(join(home, "installed"), new Date().toISOString());
    }
    rmSync(packDir, { recursive: true, force: true });
    memo = { project, tarball, files: info.files, unpackedSize: info.unpackedSize, version: info.version };
    return memo;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** A fresh directory inside the consumer project (so that `liquidwave` resolves from it). */
export function scratchDir(installed: Installed, name: string): string {
  const dir = join(installed.project, `${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
