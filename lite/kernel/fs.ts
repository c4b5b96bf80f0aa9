/**
 * `fs` and `path` for the kernel worker: the synchronous calls the notebooks
 * and src/node/run-files.ts make (existsSync, readFileSync, writeFileSync,
 * mkdirSync, rmSync, statSync, readdirSync, ...), on files kept in memory and
 * saved to the browser's storage (IndexedDB, store "files"), so that
 * notebook 05 finds the run notebook 04 saved, across kernels and reloads.
 *
 * The working directory is "/". Reading under /src/ gives the library's
 * TypeScript files as the site ships them (library-src.json, fetched once,
 * synchronously: a worker may), for librarySource (src/notebook/source.ts).
 * Each cell starts with `refresh()` (the files other notebooks saved since)
 * and ends with `flush()` (this cell's writes saved).
 */
// @ts-ignore: a plain JavaScript module shared with the page
import { idbDelete, idbEntries, idbPut } from "../shared/idb.js";

interface Entry { data: string; mtimeMs: number }

const files = new Map<string, Entry>();
const pending: Promise<unknown>[] = [];
let library: Record<string, string> | undefined;

function libraryFiles(): Record<string, string> {
  if (library === undefined) {
    const request = new XMLHttpRequest();
    request.open("GET", new URL("library-src.json", (globalThis as unknown as { location: { href: string } }).location.href).href, false);
    request.send();
    library = request.status === 200 ? (JSON.parse(request.responseText) as Record<string, string>) : {};
  }
  return library;
}

// ---- path
export function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}
export function resolve(...paths: string[]): string {
  let out = "/";
  for (const p of paths) out = p.startsWith("/") ? p : `${out}/${p}`;
  return normalize(out);
}
export function join(...paths: string[]): string {
  const joined = paths.filter((p) => p !== "").join("/");
  const n = normalize(joined);
  return joined.startsWith("/") ? n : n.slice(1) || ".";
}
export function dirname(path: string): string {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}
export function basename(path: string, ext?: string): string {
  const base = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return ext && base.endsWith(ext) ? base.slice(0, -ext.length) : base;
}
export function extname(path: string): string {
  const base = basename(path);
  const i = base.lastIndexOf(".");
  return i <= 0 ? "" : base.slice(i);
}
export const sep = "/";
export const pathModule = { normalize, resolve, join, dirname, basename, extname, sep, posix: undefined as unknown };
pathModule.posix = pathModule;

// ---- fs
function enoent(syscall: string, path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${syscall} '${path}'`), { code: "ENOENT", syscall, path, errno: -2 });
}
function entry(path: string): Entry | undefined {
  const p = resolve(path);
  if (p.startsWith("/src/")) {
    const text = libraryFiles()[p.slice(1)];
    return text === undefined ? undefined : { data: text, mtimeMs: 0 };
  }
  return files.get(p);
}
function isDirectory(path: string): boolean {
  const p = resolve(path);
  if (p === "/") return true;
  const prefix = p + "/";
  if (p === "/src" || p.startsWith("/src/")) return Object.keys(libraryFiles()).some((k) => ("/" + k).startsWith(prefix));
  for (const k of files.keys()) if (k.startsWith(prefix)) return true;
  return directories.has(p);
}
const directories = new Set<string>();
const textOf = (data: unknown): string => (typeof data === "string" ? data : data instanceof Uint8Array ? new TextDecoder().decode(data) : String(data));

export function existsSync(path: string): boolean {
  return entry(path) !== undefined || isDirectory(path);
}
export function readFileSync(path: string, _options?: unknown): string {
  const e = entry(path);
  if (!e) throw enoent("open", String(path));
  return e.data;
}
export function writeFileSync(path: string, data: unknown): void {
  const p = resolve(path);
  if (p.startsWith("/src/")) throw Object.assign(new Error(`EROFS: the library's files are read-only in the browser, open '${path}'`), { code: "EROFS" });
  const value = { data: textOf(data), mtimeMs: Date.now() };
  files.set(p, value);
  pending.push(idbPut("files", p, value));
}
export function appendFileSync(path: string, data: unknown): void {
  writeFileSync(path, (entry(path)?.data ?? "") + textOf(data));
}
export function mkdirSync(path: string, _options?: unknown): void {
  directories.add(resolve(path));
}
export function rmSync(path: string, options: { force?: boolean; recursive?: boolean } = {}): void {
  const p = resolve(path);
  if (files.has(p)) {
    files.delete(p);
    pending.push(idbDelete("files", p));
    return;
  }
  if (options.recursive && isDirectory(p)) {
    for (const k of [...files.keys()]) if (k.startsWith(p + "/")) rmSync(k);
    directories.delete(p);
    return;
  }
  if (!options.force) throw enoent("rm", path);
}
export function unlinkSync(path: string): void {
  if (!files.has(resolve(path))) throw enoent("unlink", path);
  rmSync(path);
}
export function statSync(path: string): { size: number; mtimeMs: number; mtime: Date; isFile(): boolean; isDirectory(): boolean } {
  const e = entry(path);
  const dir = !e && isDirectory(path);
  if (!e && !dir) throw enoent("stat", path);
  const size = e ? new TextEncoder().encode(e.data).length : 0;
  const mtimeMs = e?.mtimeMs ?? 0;
  return { size, mtimeMs, mtime: new Date(mtimeMs), isFile: () => !!e, isDirectory: () => dir };
}
export function readdirSync(path: string, options: { withFileTypes?: boolean } = {}): unknown[] {
  const p = resolve(path);
  if (!isDirectory(p)) throw enoent("scandir", path);
  const prefix = p === "/" ? "/" : p + "/";
  const all = [...files.keys(), ...directories, ...Object.keys(libraryFiles()).map((k) => "/" + k)];
  const names = new Map<string, boolean>(); // name -> is a directory
  for (const k of all) {
    if (!k.startsWith(prefix) || k === p) continue;
    const rest = k.slice(prefix.length).split("/");
    names.set(rest[0], (names.get(rest[0]) ?? false) || rest.length > 1 || directories.has(prefix + rest[0]));
  }
  const sorted = [...names.keys()].sort();
  return options.withFileTypes ? sorted.map((name) => ({ name, isDirectory: () => names.get(name)!, isFile: () => !names.get(name) })) : sorted;
}

/** The files other notebooks (other kernels) saved: called before each cell. */
export async function refresh(): Promise<void> {
  const stored = (await idbEntries("files")) as [string, Entry][];
  files.clear();
  for (const [k, v] of stored) files.set(k, v);
}

/** Waits until this cell's writes are in the browser's storage: called after each cell. */
export async function flush(): Promise<void> {
  while (pending.length > 0) await pending.shift();
}

export const fsModule = { existsSync, readFileSync, writeFileSync, appendFileSync, mkdirSync, rmSync, unlinkSync, statSync, readdirSync };
