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

test("tslab handler fixes: a failed cell's reply carries ename, evalue and traceback", async () => {
  assert.ok(patchOnce().includes("error-reply"));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { JupyterHandlerImpl } = require(`${tslabDist}/jupyter.js`) as { JupyterHandlerImpl: new (executor: unknown, isJs: boolean) => Handler };
  const executor = {
    execute: async (code: string) => {
      process.stderr.write(`RangeError: ${code} is out of range\n    at evalmachine.<anonymous>:3:9\n`);
      return false;
    },
  };
  const streams: string[] = [];
  const { stdout, stderr } = { stdout: process.stdout.write, stderr: process.stderr.write };
  let reply: Record<string, unknown>;
  try {
    reply = await new JupyterHandlerImpl(executor, false).handleExecute({ code: "x" }, (name, text) => void streams.push(`${name}: ${text}`), () => undefined);
  } finally {
    process.stdout.write = stdout; // tslab redirects them to the cell's output
    process.stderr.write = stderr;
  }
  assert.equal(reply.status, "error");
  assert.equal(reply.ename, "RangeError");
  assert.equal(reply.evalue, "x is out of range");
  assert.deepEqual(reply.traceback, ["RangeError: x is out of range", "    at evalmachine.<anonymous>:3:9"]);
  assert.deepEqual(streams, ["stderr: RangeError: x is out of range\n    at evalmachine.<anonymous>:3:9\n"]);
});
