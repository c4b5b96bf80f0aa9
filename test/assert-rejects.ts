import assert from "node:assert/strict";

/** `call` throws an Error whose message starts with "`where`: " (the function it names) and matches `message`. */
export function assertRejects(call: () => unknown, where: string, message: RegExp): void {
  assert.throws(call, (e: unknown) => {
    assert.ok(e instanceof Error, `${where} threw a non-Error: ${String(e)}`);
    assert.ok(e.message.startsWith(`${where}: `), `expected a message starting with "${where}: ", got: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}
