/**
 * `liquidwave lab [--port N] [--host H] [--dir DIR] [--no-isolation]`: serve the lab, the
 * interactive page built into `dist/lab/` (`npm run build:lab`; the published package ships it),
 * on a local static server. The server sends COOP/COEP headers, so the page is cross-origin
 * isolated and the shared-memory WebAssembly kernels run; `--no-isolation` leaves them out and the
 * page runs on its JavaScript path, as on a static host that cannot set headers.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { fail } from "../../core/errors.ts";
import { info } from "../output.ts";
import { intArg } from "../parse.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
};

/** Where the built page is: next to the compiled CLI in an installed package, or the checkout's dist/lab. */
export function labDirectory(): string | null {
  const candidates = [
    fileURLToPath(new URL("../../lab/", import.meta.url)), // dist/cli/commands/lab.js → dist/lab/
    fileURLToPath(new URL("../../../dist/lab/", import.meta.url)), // src/cli/commands/lab.ts → dist/lab/
  ];
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? null;
}

export interface LabServerOptions {
  dir: string;
  port?: number;
  host?: string;
  /** Send COOP/COEP (default true). */
  isolation?: boolean;
}

/** Start a static server for the lab; resolves once it listens. */
export async function startLabServer(o: LabServerOptions): Promise<{ server: Server; url: string }> {
  const root = resolve(o.dir);
  const isolation = o.isolation ?? true;
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    // The installed package ships the page without its copy of h5wasm's ESM build: serve the
    // h5wasm package's own files there (HDF5 / MATLAB v7.3 files in the data panel).
    const vendor = /^\/vendor\/h5wasm\/(hdf5_hl|hdf5_util)\.js$/.exec(path);
    if (vendor && !existsSync(file)) file = join(dirname(fileURLToPath(import.meta.resolve("h5wasm"))), `${vendor[1]}.js`);
    const type = TYPES[extname(file)];
    if (!type || !existsSync(file)) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": type,
      "Cache-Control": "no-cache",
      ...(isolation
        ? {
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
            "Cross-Origin-Resource-Policy": "same-origin",
          }
        : {}),
    });
    res.end(req.method === "HEAD" ? undefined : readFileSync(file));
  });
  await new Promise<void>((done, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, o.host ?? "127.0.0.1", () => done());
  });
  const a = server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return { server, url: `http://${host}:${a.port}/` };
}

export function registerLab(program: Command): void {
  program
    .command("lab")
    .description("serve the lab: the interactive page that trains liquid networks on channels in your browser")
    .option("--port <n>", "port to listen on (0: any free port)", intArg(0, 65535), 8765)
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--dir <dir>", "serve this built lab folder instead of the package's dist/lab")
    .option("--no-isolation", "omit the COOP/COEP headers (the page then runs its JavaScript path)")
    .action(async (o: { port: number; host: string; dir?: string; isolation: boolean }) => {
      const dir = o.dir ?? labDirectory();
      if (dir === null || !existsSync(join(dir, "index.html")))
        fail("lab", `no built lab page${o.dir ? ` in ${o.dir}` : ""}: run \`npm run build:lab\` in the repository (it writes dist/lab/)`);
      const { url } = await startLabServer({ dir, port: o.port, host: o.host, isolation: o.isolation });
      info(
        `lab: serving ${dir} at ${url}${o.isolation ? " (cross-origin isolated: WebAssembly kernels)" : " (no COOP/COEP: JavaScript kernels)"}; Ctrl-C stops`,
      );
    });
}
