/**
 * Messages between the page (lite/page/kernel.js, the kernel's main-thread
 * half) and the kernel worker (lite/kernel/worker.ts). Plain data only.
 */
export type ToWorker =
  | { type: "execute"; id: string; code: string; cellId?: string; count: number }
  /** Stops the running cell if the worker's event loop is free (a cell awaiting a sweep); a busy worker never sees it. */
  | { type: "interrupt" };

export type FromWorker =
  | { type: "ready"; ms: number }
  | { type: "stream"; id: string; name: "stdout" | "stderr"; text: string }
  | { type: "display"; id: string; data: Record<string, unknown>; displayId?: string; update: boolean }
  | { type: "result"; id: string; data: Record<string, unknown> }
  | { type: "error"; id: string; ename: string; evalue: string; traceback: string[] }
  | { type: "done"; id: string; status: "ok" | "error" }
  /** A training in progress (liveProgress), so that the page can say where an interrupt stopped it. */
  | { type: "training"; epoch: number; maxEpochs: number } | { type: "training"; done: true };
