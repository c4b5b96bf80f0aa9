import { test } from "node:test";
import assert from "node:assert/strict";
import { lineFigure } from "../src/index";
import { liveText, show } from "../src/display";

test("the display helper fails with a clear message outside a notebook kernel", () => {
  const figure = lineFigure([0, 1], [1, 0], { title: "t", xTitle: "x", yTitle: "y" });
  assert.throws(() => show(figure), /display: no notebook kernel is running.*standaloneHtml/);
  assert.throws(() => liveText().update("epoch 1"), /no notebook kernel is running/);
});
