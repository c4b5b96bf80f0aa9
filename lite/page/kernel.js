/**
 * The kernel's page half: a JupyterLite kernel (BaseKernel from
 * @jupyterlite/services) whose cells run in a Web Worker (kernel.js, built
 * from lite/kernel/worker.ts). It turns the worker's messages
 * (lite/kernel/protocol.ts) into Jupyter messages for the running cell.
 *
 * Interrupt: the worker is asked to stop the cell, which works while the
 * cell awaits (a sweep, a promise). A cell that computes without pause (a
 * training, `while (true) {}`) never reads that message: after 600 ms the
 * worker is ended and a new one started, and the cell's output says so
 * plainly: "the kernel was restarted: run the cells above again". (Stopping
 * a running worker in place needs SharedArrayBuffer, which a static host
 * does not give: no COOP/COEP headers.)
 */
import { BaseKernel, LiteKernelClient } from "@jupyterlite/services";

export const KERNEL_NAME = "tslab-backprop"; // the notebooks' kernelspec: a downloaded .ipynb opens unchanged on tslab
export const KERNEL_SPEC = {
  name: KERNEL_NAME,
  display_name: "TypeScript (backprop-moons)",
  language: "typescript",
  argv: [],
  resources: {},
  metadata: {},
  env: {},
};
export const RESTARTED = "Interrupted: the kernel was restarted: run the cells above again.";
const SOFT_INTERRUPT_MS = 600;

export class WorkerKernel extends BaseKernel {
  constructor(options) {
    super(options);
    this._headers = new Map(); // execute request id -> its header, for output that comes late
    this._pending = undefined;
    this._training = undefined;
    this._startWorker();
  }

  get ready() {
    return this._workerReady;
  }

  _startWorker() {
    this._worker = new Worker(new URL("kernel.js", document.baseURI));
    this._workerReady = new Promise((resolve) => (this._resolveReady = resolve));
    this._worker.onmessage = (event) => this._onMessage(event.data);
    this._worker.onerror = (event) => {
      event.preventDefault();
      const pending = this._pending;
      if (pending) this._finish(pending, { ename: "Error", evalue: event.message, traceback: [`The kernel failed: ${event.message}`] });
    };
  }

  _parentOf(id) {
    return this._headers.get(id) ?? this._pending?.parent;
  }

  _onMessage(m) {
    switch (m.type) {
      case "ready":
        window.backpropLite?.kernelReadyMs.push(m.ms);
        this._resolveReady();
        break;
      case "stream":
        this.stream({ name: m.name, text: m.text }, this._parentOf(m.id));
        break;
      case "display": {
        const content = { data: m.data, metadata: {}, transient: m.displayId ? { display_id: m.displayId } : {} };
        if (m.update) this.updateDisplayData(content, this._parentOf(m.id));
        else this.displayData(content, this._parentOf(m.id));
        break;
      }
      case "result":
        this.publishExecuteResult({ execution_count: this.executionCount, data: m.data, metadata: {} }, this._parentOf(m.id));
        break;
      case "error":
        if (this._pending?.id === m.id) this._pending.error = { ename: m.ename, evalue: m.evalue, traceback: m.traceback };
        this.publishExecuteError({ ename: m.ename, evalue: m.evalue, traceback: m.traceback }, this._parentOf(m.id));
        break;
      case "training":
        this._training = m.done ? undefined : m;
        break;
      case "done":
        if (this._pending?.id === m.id) {
          const pending = this._pending;
          this._pending = undefined;
          pending.resolve(m.status === "ok"
            ? { status: "ok", execution_count: this.executionCount, user_expressions: {}, payload: [] }
            : { status: "error", execution_count: this.executionCount, ...(pending.error ?? { ename: "Error", evalue: "", traceback: [] }) });
        }
        break;
    }
  }

  _finish(pending, error) {
    if (this._pending !== pending) return;
    this._pending = undefined;
    this.publishExecuteError(error, pending.parent);
    pending.resolve({ status: "error", execution_count: this.executionCount, ...error });
  }

  async kernelInfoRequest() {
    return {
      implementation: "backprop-moons-lite",
      implementation_version: "0.1.0",
      language_info: {
        name: "typescript",
        version: "5",
        mimetype: "text/typescript",
        file_extension: ".ts",
        codemirror_mode: { mode: "typescript", name: "javascript", typescript: true },
      },
      protocol_version: "5.3",
      status: "ok",
      banner: "TypeScript in your browser (backprop-moons): the notebooks' kernel, in a Web Worker",
      help_links: [],
    };
  }

  async executeRequest(content) {
    await this.ready;
    const parent = this.parentHeader;
    const id = parent.msg_id;
    this._headers.set(id, parent);
    if (this._headers.size > 200) this._headers.delete(this._headers.keys().next().value);
    this._training = undefined;
    return new Promise((resolve) => {
      this._pending = { id, parent, resolve, error: undefined };
      this._worker.postMessage({ type: "execute", id, code: content.code, count: this.executionCount });
    });
  }

  /** Kernel > Interrupt (see the file's comment). */
  async interrupt() {
    const pending = this._pending;
    if (!pending) return;
    this._worker.postMessage({ type: "interrupt" });
    await new Promise((r) => setTimeout(r, SOFT_INTERRUPT_MS));
    if (this._pending !== pending) return; // the cell stopped
    const training = this._training;
    this._worker.terminate();
    this._startWorker();
    const line = RESTARTED + (training ? ` (A training was running, near epoch ${training.epoch + 1} of ${training.maxEpochs}.)` : "");
    this._finish(pending, { ename: "Interrupted", evalue: line, traceback: [line] });
    window.backpropLite?.restarts.push(Date.now());
    window.dispatchEvent(new CustomEvent("backprop-kernel-restarted"));
  }

  dispose() {
    if (this.isDisposed) return;
    this._worker?.terminate();
    super.dispose();
  }

  async completeRequest(content) {
    return { matches: [], cursor_start: content.cursor_pos, cursor_end: content.cursor_pos, metadata: {}, status: "ok" };
  }
  async inspectRequest() {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }
  async isCompleteRequest() {
    return { status: "complete" };
  }
  async commInfoRequest() {
    return { status: "ok", comms: {} };
  }
  inputReply() {}
  async commOpen() {}
  async commMsg() {}
  async commClose() {}
}

/** LiteKernelClient, whose interrupt also stops the running cell (JupyterLite's only cancels the queued ones). */
export class InterruptingKernelClient extends LiteKernelClient {
  async interrupt(kernelId) {
    await super.interrupt(kernelId);
    const kernel = await this.getModel(kernelId);
    if (kernel instanceof WorkerKernel) await kernel.interrupt();
  }
}
