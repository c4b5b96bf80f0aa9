/**
 * The kernel launcher's fixes to tslab and zeromq (jupyter/tslab-patches.ts):
 * each one's internals are still the audited code (an upgrade of tslab or
 * zeromq fails here until someone re-reads the patch), the zeromq defect
 * still exists unpatched and is gone patched, and the handler fixes do
 * what they say on a real tslab JupyterHandlerImpl.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { PATCHES, applyPatches, changedInternals } from "../jupyter/tslab-patches";

const tslabDist = dirname(require.resolve("tslab/dist/main.js"));

interface ZmqSocket { close(): void; send(msg: string): Promise<void>; lastEndpoint: string | null }
interface Zmq {
  Publisher: new () => ZmqSocket & { bind(address: string): Promise<void> };
  Subscriber: new () => ZmqSocket & { connect(address: string): void; subscribe(): void; receive(): Promise<Buffer[]> };
}
// eslint-disable-next-line @typescript-eslint/no-var-requires
const zmq = require(require.resolve("zeromq", { paths: [tslabDist] })) as Zmq;

let applied: string[] | undefined;
/** Patches this test process once, after the fingerprint tests have read the stock code. */
const patchOnce = (): string[] => (applied ??= applyPatches(tslabDist));

for (const patch of PATCHES) {
  test(`fix "${patch.name}": the code it patches is the audited version`, () => {
    assert.deepEqual(changedInternals(patch, tslabDist), [], `re-audit the fix against the new code:\n${patch.defect}`);
  });
}

/** Sends `n` messages without awaiting; returns how many went out before a throw, and the throw. */
async function burst(patched: boolean, n: number): Promise<{ sent: number; error?: string; received: number }> {
  const pub = new zmq.Publisher();
  const sub = new zmq.Subscriber();
  try {
    await pub.bind("tcp://127.0.0.1:*");
    sub.connect(pub.lastEndpoint!);
    sub.subscribe();
    await new Promise((r) => setTimeout(r, 300)); // let the subscription reach the publisher
    let sent = 0;
    let error: string | undefined;
    try {
      for (; sent < n; sent++) void pub.send(`m${sent}`).catch(() => undefined);
    } catch (e) {
      error = (e as { code?: string }).code;
    }
    let received = 0;
    if (patched) {
      for (; received < n; received++) {
        const [frame] = await sub.receive();
        assert.equal(frame.toString(), `m${received}`, "messages arrive in order");
      }
    }
    return { sent, error, received };
  } finally {
    sub.close();
    pub.close();
  }
}

test('zeromq defect: unpatched, a burst of sends throws EBUSY after 512; patched, all 2000 arrive in order', async () => {
  const stock = await burst(false, 2000);
  assert.equal(stock.error, "EBUSY", "the defect the fix exists for (if zeromq fixed it, drop the fix)");
  assert.ok(stock.sent <= 513, `stock zeromq sent ${stock.sent} synchronously`);
  assert.ok(patchOnce().includes("iopub-never-drops"));
  const fixed = await burst(true, 2000);
  assert.deepEqual(fixed, { sent: 2000, error: undefined, received: 2000 });
});

interface Handler {
  handleExecute(req: { code: string }, writeStream: (name: string, text: string) => void, writeDisplayData: unknown): Promise<Record<string, unknown>>;
}

/**
 * A real tslab executor and handler, patched, with a converter that passes
 * the cell through (the cells below are plain JavaScript), so no TypeScript
 * program is built.
 */
function patchedHandler(): Handler {
  assert.ok(patchOnce().includes("readable-errors"));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { createExecutor } = require(`${tslabDist}/executor.js`) as { createExecutor(root: string, convs: unknown, console: unknown): unknown };
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { JupyterHandlerImpl } = require(`${tslabDist}/jupyter.js`) as { JupyterHandlerImpl: new (executor: unknown, isJs: boolean) => Handler };
  const node = { convert: (_prev: string, src: string) => ({ output: src, declOutput: "", diagnostics: [], hasToplevelAwait: false }) };
  const executor = createExecutor(process.cwd(), { node, browser: node, close: () => undefined }, { log: console.log, error: console.error });
  return new JupyterHandlerImpl(executor, false);
}

/** Runs one cell on `handler`; returns the execute_reply and what went to the cell's streams. */
async function run(handler: Handler, code: string): Promise<{ reply: Record<string, unknown>; streams: string[] }> {
  const streams: string[] = [];
  const { stdout, stderr } = { stdout: process.stdout.write, stderr: process.stderr.write };
  try {
    const reply = await handler.handleExecute({ code }, (name, text) => void streams.push(`${name}: ${text}`), () => undefined);
    return { reply, streams };
  } finally {
    process.stdout.write = stdout; // tslab redirects them to the cell's output
    process.stderr.write = stderr;
  }
}

test("readable errors: a runtime error names the cell's own lines, without tslab's frames, in the reply", async () => {
  const code = "const a = 1;\n\nfunction f() {\n  throw new RangeError('bad ' + a);\n}\nf();";
  const { reply, streams } = await run(patchedHandler(), code);
  assert.equal(reply.status, "error");
  assert.equal(reply.ename, "RangeError");
  assert.equal(reply.evalue, "bad 1");
  assert.deepEqual(reply.traceback, [
    "RangeError: bad 1",
    "    at line 4 of the cell: throw new RangeError('bad ' + a);",
    "    at line 6 of the cell: f();",
  ]);
  assert.deepEqual(streams, [], "the error is an error output (sent on iopub), not stderr text");
});

test("readable errors: an interrupt during training is one line with the epoch", async () => {
  // What liveProgress records (src/notebook/display.ts), then a loop that only SIGINT ends, as Kernel > Interrupt does.
  const code = `globalThis[Symbol.for("backprop-moons.kernelState")].training = { epoch: 311, maxEpochs: 1000 };\nwhile (true) {}`;
  const handler = patchedHandler();
  const { Worker } = await import("node:worker_threads");
  const killer = new Worker(`const { workerData } = require("node:worker_threads"); setTimeout(() => process.kill(workerData, "SIGINT"), 500);`, { eval: true, workerData: process.pid });
  const { reply } = await run(handler, code);
  await killer.terminate();
  assert.equal(reply.status, "error");
  assert.equal(reply.ename, "Interrupted", String(reply.evalue) + JSON.stringify(reply.traceback));
  assert.deepEqual(reply.traceback, [
    "Interrupted: training stopped in epoch 312 of 1000 (epochs 0-311 done); the network keeps the weights it had reached, partway through that epoch.",
  ]);
});
