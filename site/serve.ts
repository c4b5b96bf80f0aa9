/**
 * A static file server for the built site on 127.0.0.1, what
 * `npm run site -- --serve` and the browser test use. Forty lines of
 * node:http instead of a dependency: the site needs GET of files with the
 * right Content-Type and nothing else. Any static server (python3 -m
 * http.server, GitHub Pages) serves the folder the same way.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".ipynb": "application/x-ipynb+json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `root` on host:port (port 0: any free port). */
export function serveStatic(root: string, port = 0, host = "127.0.0.1"): Promise<StaticServer> {
  const base = resolve(root);
  if (!existsSync(join(base, "index.html"))) throw new Error(`serveStatic: ${root} has no index.html (build the site first: npm run site)`);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return void res.writeHead(403).end("forbidden");
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file) || req.method !== "GET") return void res.writeHead(req.method === "GET" ? 404 : 405, { "Content-Type": "text/plain" }).end(`${req.method} ${path}: not found`);
    res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Content-Length": statSync(file).size, "Cache-Control": "no-cache" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(e.code === "EADDRINUSE" ? new Error(`serveStatic: port ${port} on ${host} is in use; pick another with --port`) : e));
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      resolvePromise({ url: `http://${host}:${address.port}/`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) });
    });
  });
}
