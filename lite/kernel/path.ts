/** `path` (POSIX) for the kernel worker: see fs.ts. */
export { normalize, resolve, join, dirname, basename, extname, sep } from "./fs";
