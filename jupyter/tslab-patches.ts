/**
 * The kernel launcher's fixes to tslab 1.0.22 and zeromq 6.8.0 (both pinned
 * by package-lock.json), applied at runtime, in the launcher's process only
 * (`npx tslab` stays stock). Each fix is a `Patch` below: the defect, the
 * versions it was seen in, and the internals it replaces.
 *
 * Why runtime patches and not patch-package: the fixes need the project's
 * own kernel state (src/notebook/display.ts) and only make sense in this kernel; a
 * patch of node_modules would also change tslab for every other use and
 * needs an install script. To keep them auditable and hard to break, each
 * replaced internal is pinned by a fingerprint (sha256 of its source text,
 * or the package version for zeromq's native methods): the launcher skips a
 * patch whose internals changed (stock behaviour, with a warning in the
 * Jupyter server's log), and test/tslab-patches.test.ts fails, so an
 * upgrade of tslab or zeromq makes someone re-read the code patched here.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeCell, kernelState } from "../src/notebook/display";
import { captureReports, describeFailure, recordJs, reportsText } from "../tools/shared/cell-errors";
import type { ErrorFields, Reports } from "../tools/shared/cell-errors";

export const warn = (text: string): void => void process.stderr.write(`tslab-kernel: ${text}\n`);

/** A function's fingerprint: sha256 of its source text (first 16 hex digits); any other value as text (a version). */
export function fingerprint(value: unknown): string {
  return typeof value === "function" ? createHash("sha256").update(String(value)).digest("hex").slice(0, 16) : String(value);
}

/** One internal of tslab or zeromq that a patch replaces or relies on. */
export interface Internal {
  /** e.g. "tslab/dist/jupyter.js ZmqServer.prototype.handleExecute" */
  name: string;
  /** fingerprint() of it in the audited version */
  audited: string;
  get(tslabDist: string): unknown;
}

export interface Patch {
  name: string;
  /** The defect, as seen in the versions named. */
  defect: string;
  internals: Internal[];
  apply(tslabDist: string): void;
}

// ------------------------------------------------------------------ the modules patched

interface ZmqMessageLike {
  content: { code: string };
  header: { msg_type: string };
  metadata: Record<string, unknown>;
  createReply(): Omit<ZmqMessageLike, "content"> & { content: unknown };
  signAndSend(key: string, sock: unknown): void;
}
interface ServerLike { connInfo: { key: string }; iopub: unknown }
interface HandlerLike { execCount: number }
interface ExecuteReply { status: string; execution_count?: number; ename?: string; evalue?: string; traceback?: string[] }
type WriteStream = (name: string, text: string) => void;
interface JupyterModule {
  ZmqServer: {
    prototype: {
      handleExecute(this: ServerLike, sock: unknown, msg: ZmqMessageLike): Promise<void>;
      handleShellMessage(this: ServerLike, sock: unknown, ...frames: Buffer[]): Promise<void>;
    };
  };
  JupyterHandlerImpl: {
    prototype: {
      handleExecuteImpl(this: HandlerLike, req: object, ...rest: unknown[]): Promise<unknown>;
      handleExecute(this: HandlerLike, req: object, writeStream: WriteStream, writeDisplayData: unknown): Promise<ExecuteReply>;
    };
  };
}
type Console = { log(...a: unknown[]): void; error(...a: unknown[]): void };
interface ExecutorModule { createExecutor(root: string, convs: unknown, console: Console): unknown }
interface MainModule { startKernel: unknown }
type Send = (this: unknown, msg: unknown) => Promise<void>;
interface PublisherProto { send: Send; bind(this: PublisherLike, address: string): Promise<void> }
interface PublisherLike { sendTimeout: number; sendHighWaterMark: number }

// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyterModule = (tslabDist: string): JupyterModule => require(join(tslabDist, "jupyter.js")) as JupyterModule;
const zeromqPath = (tslabDist: string): string => require.resolve("zeromq", { paths: [tslabDist] });
// eslint-disable-next-line @typescript-eslint/no-var-requires
const zeromqModule = (tslabDist: string): { Publisher: { prototype: PublisherProto } } => require(zeromqPath(tslabDist)) as { Publisher: { prototype: PublisherProto } };

// eslint-disable-next-line @typescript-eslint/no-var-requires
const executorModule = (tslabDist: string): ExecutorModule => require(join(tslabDist, "executor.js")) as ExecutorModule;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const mainModule = (tslabDist: string): MainModule => require(join(tslabDist, "main.js")) as MainModule;
const serverProto = (d: string) => jupyterModule(d).ZmqServer.prototype;
const handlerProto = (d: string) => jupyterModule(d).JupyterHandlerImpl.prototype;

const internal = {
  serverHandleExecute: { name: "tslab/dist/jupyter.js ZmqServer.prototype.handleExecute", audited: "c8558b460d4adee4", get: (d: string) => serverProto(d).handleExecute },
  serverHandleShellMessage: { name: "tslab/dist/jupyter.js ZmqServer.prototype.handleShellMessage", audited: "b50a850b35e7aba7", get: (d: string) => serverProto(d).handleShellMessage },
  handlerExecuteImpl: { name: "tslab/dist/jupyter.js JupyterHandlerImpl.prototype.handleExecuteImpl", audited: "c30325199a4d0fde", get: (d: string) => handlerProto(d).handleExecuteImpl },
  createExecutor: { name: "tslab/dist/executor.js createExecutor", audited: "83bf5045b7870068", get: (d: string) => executorModule(d).createExecutor },
  startKernel: { name: "tslab/dist/main.js startKernel (creates the executor with console.log/console.error)", audited: "8ae6bdf4e424dffd", get: (d: string) => mainModule(d).startKernel },
  handlerExecute: { name: "tslab/dist/jupyter.js JupyterHandlerImpl.prototype.handleExecute", audited: "6ee0341c6de7119a", get: (d: string) => handlerProto(d).handleExecute },
  // send/bind are native methods of zeromq's Socket: their text says nothing, so the version stands for them.
  zeromqVersion: {
    name: "zeromq (package version; Publisher.prototype.send/bind are native)",
    audited: "6.8.0",
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    get: (d: string) => (require(join(zeromqPath(d), "..", "..", "package.json")) as { version: string }).version,
  },
} satisfies Record<string, Internal>;

// Per execute_request (keyed by its content object, which tslab passes from the server to the handler):
const inputSenders = new WeakMap<object, (count: number) => void>(); // publishes its execute_input
const cellIds = new WeakMap<object, { cellId?: string; deletedCells: string[] }>(); // the client's cell ids
const errorSenders = new WeakMap<object, (fields: ErrorFields) => void>(); // publishes an error output

// The executor's reports and JavaScript, captured by the "readable-errors" fix.
let executorReports: { take(): Reports } | undefined;
let executorJs: { js(): string | undefined; reset(): void } | undefined;

/** Runs `before` on every execute_request as the server receives it, then tslab's handling. */
function onRequest(tslabDist: string, before: (server: ServerLike, msg: ZmqMessageLike) => void): void {
  const server = serverProto(tslabDist);
  const original = server.handleExecute;
  server.handleExecute = function (sock, msg) {
    before(this, msg);
    return original.call(this, sock, msg);
  };
}

/** Runs (and awaits) `before` just before each queued cell runs; a patch applied later runs its `before` first. */
function beforeEachCell(tslabDist: string, before: (req: object, handler: HandlerLike) => unknown): void {
  const handler = handlerProto(tslabDist);
  const original = handler.handleExecuteImpl;
  handler.handleExecuteImpl = async function (req, ...rest) {
    await before(req, this);
    return original.call(this, req, ...rest);
  };
}

/** Publishes a message of `type` on iopub, as part of the reply to `msg`. */
function publish(server: ServerLike, msg: ZmqMessageLike, type: string, content: unknown): void {
  const m = msg.createReply();
  m.header.msg_type = type;
  m.content = content;
  m.signAndSend(server.connInfo.key, server.iopub);
}

// ------------------------------------------------------------------ the patches

export const PATCHES: Patch[] = [
  {
    name: "iopub-never-drops",
    defect:
      "zeromq 6.8.0: a Publisher sends at most 512 messages synchronously, defers the next to the event loop and " +
      "throws EBUSY for any send before that. tslab 1.0.22 publishes a synchronous cell's output (a training loop's " +
      "progress line) with plain send(): the line froze, then output was silently lost. Fix: sendTimeout 0 (every send " +
      "goes to ZeroMQ's I/O thread at once, so live progress reaches the page while the cell runs), high-water mark 0 " +
      "(never drop), and a send that still finds the socket busy is queued and flushed in order instead of thrown.",
    internals: [internal.zeromqVersion],
    apply(tslabDist) {
      const proto = zeromqModule(tslabDist).Publisher.prototype;
      const origSend = proto.send;
      const origBind = proto.bind;
      const isBusy = (e: unknown): boolean => {
        const err = e as { code?: string; message?: string } | null;
        return !!err && (err.code === "EBUSY" || /busy writing/i.test(String(err.message)));
      };
      const queues = new WeakMap<object, { q: unknown[]; flushing: boolean }>();
      async function flush(sock: object, st: { q: unknown[]; flushing: boolean }): Promise<void> {
        while (st.q.length > 0) {
          try {
            await origSend.call(sock, st.q[0]);
            st.q.shift();
          } catch (e) {
            if (isBusy(e)) await new Promise((r) => setImmediate(r));
            else st.q.shift();
          }
        }
        st.flushing = false;
      }
      function send(this: object, msg: unknown): Promise<void> {
        let st = queues.get(this);
        if (!st) queues.set(this, (st = { q: [], flushing: false }));
        if (!st.flushing) {
          try {
            return origSend.call(this, msg);
          } catch (e) {
            if (!isBusy(e)) throw e;
          }
        }
        st.q.push(msg);
        if (!st.flushing) {
          st.flushing = true;
          const state = st;
          setImmediate(() => void flush(this, state));
        }
        return Promise.resolve();
      }
      function bind(this: PublisherLike, address: string): Promise<void> {
        this.sendTimeout = 0;
        this.sendHighWaterMark = 0;
        return origBind.call(this, address);
      }
      // send/bind are read-only natives on Socket.prototype: define own properties on Publisher.prototype.
      Object.defineProperty(proto, "send", { value: send, writable: true, configurable: true });
      Object.defineProperty(proto, "bind", { value: bind, writable: true, configurable: true });
    },
  },
  {
    name: "execute-input",
    defect:
      "tslab 1.0.22 never publishes execute_input, so clients that record execution counts from it " +
      "(nbclient, JupyterLab's console) show none. Fix: publish it just before the cell runs.",
    internals: [internal.serverHandleExecute, internal.handlerExecuteImpl],
    apply(tslabDist) {
      onRequest(tslabDist, (server, msg) =>
        inputSenders.set(msg.content, (count) => publish(server, msg, "execute_input", { code: msg.content.code, execution_count: count })),
      );
      // tslab increments execCount first thing in the original.
      beforeEachCell(tslabDist, (req, handler) => inputSenders.get(req)?.(handler.execCount + 1));
    },
  },
  {
    name: "cell-ids",
    defect:
      "tslab 1.0.22 ignores the execute_request's metadata. JupyterLab and nbclient name the cell that runs " +
      "(cellId) and the cells deleted since (deletedCells); src/notebook/display.ts needs them to know when the output " +
      "carrying plotly.js is replaced or gone (beforeCell). Fix: pass them on before each cell.",
    internals: [internal.serverHandleExecute, internal.handlerExecuteImpl],
    apply(tslabDist) {
      onRequest(tslabDist, (_server, msg) => {
        const meta = msg.metadata ?? {};
        const deleted = Array.isArray(meta.deletedCells) ? meta.deletedCells.filter((id): id is string => typeof id === "string") : [];
        cellIds.set(msg.content, { cellId: typeof meta.cellId === "string" ? meta.cellId : undefined, deletedCells: deleted });
      });
      beforeEachCell(tslabDist, (req) => beforeCell(cellIds.get(req)?.cellId, cellIds.get(req)?.deletedCells));
    },
  },
  {
    name: "previous-cell-reports-first",
    defect:
      "tslab 1.0.22 starts the next queued cell in a microtask, before the previous cell's execute_reply and idle " +
      "status leave: during Run All a finished cell stays at In [*] while a long cell after it runs. Fix: one turn of " +
      "the event loop before each cell.",
    internals: [internal.handlerExecuteImpl],
    apply(tslabDist) {
      beforeEachCell(tslabDist, () => new Promise((r) => setImmediate(r)));
    },
  },
  {
    name: "readable-errors",
    defect:
      "tslab 1.0.22 prints a failed cell's error object to stderr: a stack of compiled JavaScript " +
      "(evalmachine.<anonymous>:15, the translated line) with tslab's and the launcher's frames, a 10-frame trace " +
      "for a mere Kernel > Interrupt, and an execute_reply with only status 'error' (nbconvert --execute then " +
      "reports an empty error). Fix: the executor's console is captured (createExecutor), and a failed cell gets " +
      "one error output and a full execute_reply written by tools/shared/cell-errors.ts: the cell's own line number " +
      "and source line, frames in src/ only, one line for an interrupt.",
    internals: [internal.createExecutor, internal.startKernel, internal.serverHandleExecute, internal.handlerExecute],
    apply(tslabDist) {
      const executor = executorModule(tslabDist);
      const origCreate = executor.createExecutor;
      executor.createExecutor = function (root, convs, console) {
        const capture = captureReports((...a) => console.log(...a));
        const recorder = recordJs(convs as Parameters<typeof recordJs>[0]);
        executorReports = capture;
        executorJs = recorder;
        return origCreate.call(this, root, recorder.convs, capture.console);
      };
      onRequest(tslabDist, (server, msg) => errorSenders.set(msg.content, (fields) => publish(server, msg, "error", fields)));
      const handler = handlerProto(tslabDist);
      const origHandle = handler.handleExecute;
      handler.handleExecute = async function (req, writeStream, writeDisplayData) {
        const reply = await origHandle.call(this, req, writeStream, writeDisplayData);
        const reports = executorReports?.take();
        const code = (req as { code?: string }).code ?? "";
        if (reply.status === "error" && reports) {
          const fields = describeFailure(reports, { code, js: executorJs?.js() }, process.cwd(), kernelState().training);
          errorSenders.get(req)?.(fields);
          Object.assign(reply, fields);
        } else if (reports) {
          const text = reportsText(reports); // a cell that still succeeded (a module cell's diagnostics)
          if (text) writeStream("stderr", text);
        }
        executorJs?.reset();
        kernelState().training = undefined;
        return reply;
      };
    },
  },
];

/** The internals of `patch` whose fingerprint differs from the audited one. */
export function changedInternals(patch: Patch, tslabDist: string): string[] {
  return patch.internals.flatMap((i) => {
    let now: string;
    try {
      now = fingerprint(i.get(tslabDist));
    } catch (e) {
      return [`${i.name}: not found (${(e as Error).message})`];
    }
    return now === i.audited ? [] : [`${i.name}: fingerprint ${now}, audited ${i.audited}`];
  });
}

/**
 * Applies every patch whose internals are the audited ones; warns about the
 * others (stock behaviour). All are checked before any is applied, since
 * several patches wrap the same method.
 */
export function applyPatches(tslabDist: string): string[] {
  const applied: string[] = [];
  const changedBy = new Map(PATCHES.map((patch) => [patch, changedInternals(patch, tslabDist)]));
  for (const [patch, changed] of changedBy) {
    if (changed.length > 0) {
      warn(`fix "${patch.name}" skipped, the code it patches changed: ${changed.join("; ")}`);
      continue;
    }
    try {
      patch.apply(tslabDist);
      applied.push(patch.name);
    } catch (e) {
      warn(`fix "${patch.name}" skipped: ${(e as Error).message}`);
    }
  }
  return applied;
}
