/**
 * The kernel worker's line to the page: what the cell that runs now sends
 * (output, display messages). Captured when the worker starts, so a cell
 * that assigns `postMessage` or `console` cannot cut the kernel off.
 */
import type { FromWorker } from "./protocol";

const postToPage: (message: FromWorker) => void = (globalThis as unknown as { postMessage(m: unknown): void }).postMessage.bind(globalThis);

let current = "";

/** The id of the execute request running now ("" between cells: output then goes to the last cell). */
export function setCurrentCell(id: string): void {
  current = id;
}

export function currentCell(): string {
  return current;
}

/** Sends a message to the page. */
export function post(message: FromWorker): void {
  postToPage(message);
}
