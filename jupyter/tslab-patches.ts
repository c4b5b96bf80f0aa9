/**
 * The kernel launcher's fixes to tslab 1.0.22 and zeromq 6.8.0 (both pinned
 * by package-lock.json), applied at runtime, in the launcher's process only
 * (`npx tslab` stays stock). Each fix is a `Patch` below: the defect, the
 * versions it was seen in, and the internals it replaces.
 *
 * Why runtime patches and not patch-package: the fixes need the project's
 * own kernel state (src/display.ts) and only make sense in this kernel; a
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
import { kernelState } from "../src/display";
import { errorFields } from "./cell-errors";

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
type Send = (this: unknown, msg: unknown) => Promise<void>;
interface PublisherProto { send: Send; bind(this: PublisherLike, address: string): Promise<void> }
interface PublisherLike { sendTimeout: number; sendHighWaterMark: number }

// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyterModule = (tslabDist: string): JupyterModule => require(join(tslabDist, "jupyter.js")) as JupyterModule;
const zeromqPath = (tslabDist: string): string => require.resolve("zeromq", { paths: [tslabDist] });
// eslint-disable-next-line @typescript-eslint/no-var-requires
const zeromqModule = (tslabDist: string): { Publisher: { prototype: PublisherProto } } => require(zeromqPath(tslabDist)) as { Publisher: { prototype: PublisherProto } };

const serverProto = (d: string) => jupyterModule(d).ZmqServer.prototype;
const handlerProto = (d: string) => jupyterModule(d).JupyterHandlerImpl.prototype;

const internal = {
  serverHandleExecute: { name: "tslab/dist/jupyter.js ZmqServer.prototype.handleExecute", audited: "c8558b460d4adee4", get: (d: string) => serverProto(d).handleExecute },
  serverHandleShellMessage: { name: "tslab/dist/jupyter.js ZmqServer.prototype.handleShellMessage", audited: "b50a850b35e7aba7", get: (d: string) => serverProto(d).handleShellMessage },
  handlerExecuteImpl: { name: "tslab/dist/jupyter.js JupyterHandlerImpl.prototype.handleExecuteImpl", audited: "c30325199a4d0fde", get: (d: string) => handlerProto(d).handleExecuteImpl },
  handlerExecute: { name: "tslab/dist/jupyter.js JupyterHandlerImpl.prototype.handleExecute", audited: "6ee0341c6de7119a", get: (d: string) => handlerProto(d).handleExecute },
  // send/bind are native methods of zeromq's Socket: their text says nothing, so the version stands for them.
  zeromqVersion: {
    name: "zeromq (package version; Publisher.prototype.send/bind are native)",
    audited: "6.8.0",
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    get: (d: string) => (require(join(zeromqPath(d), "..", "..", "package.json")) as { version: string }).version,
  },
} satisfies Record<string, Internal>;

// Per execute_request: how to publish its execute_input (set by the server, used by the handler).
const inputSenders = new WeakMap<object, (count: number) => void>();

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
      const server = serverProto(tslabDist);
      const handler = handlerProto(tslabDist);
      const origServerExecute = server.handleExecute;
      server.handleExecute = function (sock, msg) {
        inputSenders.set(msg.content, (count) => {
          const m = msg.createReply();
          m.header.msg_type = "execute_input";
          m.content = { code: msg.content.code, execution_count: count };
          m.signAndSend(this.connInfo.key, this.iopub);
        });
        return origServerExecute.call(this, sock, msg);
      };
      const origImpl = handler.handleExecuteImpl;
      handler.handleExecuteImpl = function (req, ...rest) {
        inputSenders.get(req)?.(this.execCount + 1); // tslab increments execCount first thing in the original
        return origImpl.call(this, req, ...rest);
      };
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
      const handler = handlerProto(tslabDist);
      const origImpl = handler.handleExecuteImpl;
      handler.handleExecuteImpl = async function (req, ...rest) {
        await new Promise((r) => setImmediate(r));
        return origImpl.call(this, req, ...rest);
      };
    },
  },
  {
    name: "error-reply",
    defect:
      "tslab 1.0.22 answers a failed cell with an execute_reply holding only status 'error' (no ename, evalue, " +
      "traceback), so `jupyter nbconvert --execute` reports an empty error. Fix: fill them from the cell's error text.",
    internals: [internal.handlerExecute],
    apply(tslabDist) {
      const handler = handlerProto(tslabDist);
      const origHandle = handler.handleExecute;
      handler.handleExecute = async function (req, writeStream, writeDisplayData) {
        let stderr = "";
        const tee: WriteStream = (name, text) => {
          if (name === "stderr") stderr += text;
          writeStream(name, text);
        };
        const reply = await origHandle.call(this, req, tee, writeDisplayData);
        if (reply.status === "error") Object.assign(reply, errorFields(stderr));
        return reply;
      };
    },
  },
  {
    name: "plotly-after-reconnect",
    defect:
      "A page that (re)connects to a running kernel asks for kernel_info and may have no plotly.js: let the next " +
      "figure carry it again (src/display.ts).",
    internals: [internal.serverHandleShellMessage],
    apply(tslabDist) {
      const server = serverProto(tslabDist);
      const origShell = server.handleShellMessage;
      server.handleShellMessage = function (sock, ...frames) {
        if (frames.some((frame) => Buffer.isBuffer(frame) && frame.includes('"kernel_info_request"'))) kernelState().plotlySent = false;
        return origShell.call(this, sock, ...frames);
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
