import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { lineFigure } from "../src/index";
import { liveText, show } from "../src/notebook/display";
import { describe, idleHolder, iopubReader, subscribeRaw, subscriberHello } from "../jupyter/deno-kernel";

/** A Jupyter wire message as Deno's IOPub sends it: topic, delimiter, signature, header, parent, metadata, content. */
function wire(msgType: string, parentId: string, content: object = {}): Buffer[] {
  return [`kernel.${msgType}`, "<IDS|MSG>", "sig", { msg_type: msgType, msg_id: `m-${Math.random()}` }, { msg_id: parentId }, {}, content].map((part) =>
    Buffer.from(typeof part === "string" ? part : JSON.stringify(part)),
  );
}
const idle = (parent: string) => wire("status", parent, { execution_state: "idle" });
const busy = (parent: string) => wire("status", parent, { execution_state: "busy" });
const label = (frames: Buffer[]) => {
  const { msgType, parentId, state } = describe(frames);
  return `${parentId}:${state ?? msgType}`;
};

/** idleHolder with a hand-driven clock. */
function relay(graceMs: number) {
  const sent: string[] = [];
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  const holder = idleHolder((f) => sent.push(label(f)), (fn, ms) => {
    const timer = { at: now + ms, fn, live: true };
    timers.push(timer);
    return () => (timer.live = false);
  }, graceMs);
  const advance = (ms: number) => {
    now += ms;
    for (const timer of timers.filter((x) => x.live && x.at <= now)) {
      timer.live = false;
      timer.fn();
    }
  };
  return { holder, sent, advance };
}

test("the Deno kernel's IOPub relay holds 'idle' until the cell's late output has arrived", () => {
  const { holder, sent, advance } = relay(400);
  for (const m of [busy("a"), wire("stream", "a"), idle("a")]) holder.receive(m);
  assert.deepEqual(sent, ["a:busy", "a:stream"], "idle is held");
  advance(300);
  holder.receive(wire("display_data", "a")); // Deno sent it after idle
  advance(300);
  assert.deepEqual(sent, ["a:busy", "a:stream", "a:display_data"], "late output restarts the wait");
  advance(100);
  assert.deepEqual(sent, ["a:busy", "a:stream", "a:display_data", "a:idle"]);
});

test("the relay lets a held 'idle' go as soon as the next request starts, and on flush", () => {
  const { holder, sent } = relay(400);
  for (const m of [busy("a"), idle("a"), busy("b"), wire("stream", "b"), idle("b")]) holder.receive(m);
  assert.deepEqual(sent, ["a:busy", "a:idle", "b:busy", "b:stream"]);
  holder.flush();
  assert.deepEqual(sent, ["a:busy", "a:idle", "b:busy", "b:stream", "b:idle"]);
  assert.deepEqual(describe([Buffer.from("not a jupyter message")]), {});
});

test("on Deno's kernel, display sends whole bundles through Deno.jupyter.broadcast, in call order", () => {
  const messages: { type: string; content: Record<string, unknown> }[] = [];
  const g = globalThis as { Deno?: unknown };
  g.Deno = { jupyter: { broadcast: (type: string, content: Record<string, unknown>) => void messages.push({ type, content }) } };
  try {
    show(lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" }));
    const line = liveText();
    line.update("epoch 1");
    line.update("epoch 2");
  } finally {
    delete g.Deno;
  }
  assert.deepEqual(messages.map((m) => m.type), ["display_data", "display_data", "update_display_data"]);
  const figure = messages[0].content as { data: Record<string, unknown>; transient: object };
  assert.deepEqual(Object.keys(figure.data).sort(), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
  assert.deepEqual(figure.transient, {});
  const [created, updated] = messages.slice(1).map((m) => m.content as { data: { "text/plain": string }; transient: { display_id: string } });
  assert.equal(updated.data["text/plain"], "epoch 2");
  assert.ok(created.transient.display_id.length > 0);
  assert.equal(updated.transient.display_id, created.transient.display_id);
});

const KEY = "0123456789abcdef-key";

/** A message as Deno 2.9.6 writes it on IOPub (cli/40_jupyter.js: encodeMsg, then sendFrames/makeShortFrame): the frames and their ZMTP bytes. */
function denoMessage(msgType: string, content: object): { frames: Buffer[]; bytes: Buffer } {
  const parts = [{ msg_id: `m-${Math.random()}`, msg_type: msgType }, { msg_id: "parent" }, {}, content].map((o) => Buffer.from(JSON.stringify(o)));
  const mac = createHmac("sha256", KEY);
  for (const part of parts) mac.update(part);
  const frames = [Buffer.from("<IDS|MSG>"), Buffer.from(mac.digest("hex")), ...parts];
  const bytes = Buffer.concat(
    frames.map((f, i) => {
      const flag = (i < frames.length - 1 ? 0x01 : 0) | (f.length > 255 ? 0x02 : 0);
      const head = f.length > 255 ? Buffer.alloc(9) : Buffer.from([0, f.length]);
      head[0] = flag;
      if (f.length > 255) head.writeUInt32BE(f.length, 5);
      return Buffer.concat([head, f]);
    }),
  );
  return { frames, bytes };
}

/** Feeds `stream` to an iopubReader in chunks of random sizes; what it emitted and warned. */
function read(stream: Buffer, seed = 1): { out: Buffer[][]; warnings: string[] } {
  const out: Buffer[][] = [];
  const warnings: string[] = [];
  const reader = iopubReader(KEY, (f) => out.push(f), (w) => warnings.push(w));
  let x = seed;
  for (let i = 0; i < stream.length; ) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const n = 1 + (x % 70000);
    reader.push(stream.subarray(i, i + n));
    i += n;
  }
  return { out, warnings };
}

const big = () => denoMessage("display_data", { data: { "text/plain": "x".repeat(300000) }, metadata: {}, transient: {} });
const status = (s: string) => denoMessage("status", { execution_state: s });
const same = (got: Buffer[][], want: { frames: Buffer[] }[]) =>
  assert.deepEqual(got.map((f) => f.map((b) => b.toString("latin1"))), want.map((m) => m.frames.map((b) => b.toString("latin1"))));

test("the IOPub reader passes Deno's messages on frame for frame, however the bytes arrive", () => {
  const msgs = [status("busy"), big(), denoMessage("stream", { name: "stdout", text: "hi\n" }), status("idle")];
  for (const seed of [1, 2, 3]) {
    const { out, warnings } = read(Buffer.concat(msgs.map((m) => m.bytes)), seed);
    same(out, msgs);
    assert.deepEqual(warnings, []);
  }
});

test("a message Deno wrote into the middle of a large one is taken out whole, both signatures hold, and it comes second", () => {
  // Deno's PubSocket: `offset += await conn.write(buf.subarray(offset))` from two tasks at once.
  const a = big();
  for (const at of [1, 5, 11, 13, 80, 300, 150000, a.bytes.length - 3704, a.bytes.length - 1]) {
    const b = status("idle");
    const after = denoMessage("stream", { name: "stdout", text: "next\n" });
    const stream = Buffer.concat([a.bytes.subarray(0, at), b.bytes, a.bytes.subarray(at), after.bytes]);
    const { out, warnings } = read(stream, at);
    same(out, [a, b, after]);
    assert.deepEqual(warnings, [], `inserted at ${at}`);
  }
  const [b, c] = [status("idle"), status("busy")];
  const two = Buffer.concat([a.bytes.subarray(0, 1000), b.bytes, a.bytes.subarray(1000, 200000), c.bytes, a.bytes.subarray(200000)]);
  same(read(two).out, [a, b, c]);
});

test("what cannot be mended is dropped with a warning, never passed on with a bad signature, and reading goes on", () => {
  const a = big();
  const b = denoMessage("error", { ename: "E", evalue: "v".repeat(2000), traceback: [] });
  const after = status("idle");
  // b itself interrupted by the rest of a: neither is whole anywhere in the stream
  const stream = Buffer.concat([a.bytes.subarray(0, 5000), b.bytes.subarray(0, 600), a.bytes.subarray(5000), b.bytes.subarray(600), after.bytes]);
  const { out, warnings } = read(stream);
  same(out, [after]);
  assert.ok(warnings.length > 0);
});

test("the raw subscriber speaks Deno's handshake and hands over the bytes after it", async () => {
  const a = big();
  const b = status("idle");
  const greeting = subscriberHello().subarray(0, 64);
  const body = Buffer.from([5, ...Buffer.from("READY"), 11, ...Buffer.from("Socket-Type"), 0, 0, 0, 3, ...Buffer.from("PUB")]);
  const ready = Buffer.concat([Buffer.from([0x04, body.length]), body]);
  const server = createServer((conn) => {
    let got = Buffer.alloc(0);
    conn.write(Buffer.concat([greeting, ready]));
    conn.on("data", (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < subscriberHello().length) return;
      assert.deepEqual(got, subscriberHello());
      conn.end(Buffer.concat([a.bytes.subarray(0, 7000), b.bytes, a.bytes.subarray(7000)]));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const out: Buffer[][] = [];
  const warnings: string[] = [];
  await new Promise<void>((done) => {
    const warn = (w: string) => void (warnings.push(w), done());
    const reader = iopubReader(KEY, (f) => void (out.push(f), out.length === 2 && done()), warn);
    subscribeRaw((server.address() as AddressInfo).port, "127.0.0.1", (chunk) => reader.push(chunk), warn);
  });
  server.close();
  assert.deepEqual(warnings, []);
  same(out, [a, b]);
});
