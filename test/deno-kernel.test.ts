import { test } from "node:test";
import assert from "node:assert/strict";
import { lineFigure } from "../src/index";
import { liveText, show } from "../src/display";
import { describe, idleHolder } from "../jupyter/deno-kernel";

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
