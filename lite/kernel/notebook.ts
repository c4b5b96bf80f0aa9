/**
 * "./src/notebook" in the browser kernel: the same exported API as
 * src/notebook.ts on tslab and Deno, built from the same files where they
 * run in a browser. The build (lite/build.mjs) bundles src/notebook/lab-cell.ts,
 * src/notebook/sweep-board.ts, src/node/run-files.ts and src/notebook/source.ts
 * with three substitutions:
 *   src/notebook/display.ts  -> lite/kernel/display.ts (display messages from the worker)
 *   src/node/sweep-pool.ts   -> lite/kernel/sweep.ts   (Web Workers and messages, no SharedArrayBuffer)
 *   node:fs, node:path       -> lite/kernel/fs.ts      (files in the browser's storage; src/ as the site ships it)
 * and checks that this file exports every name src/notebook.ts does.
 */
export { show, liveFigure, liveText, liveProgress, displayBundle, figureBundle } from "./display";
export { lab, compareCandidates, type LabOptions } from "../../src/notebook/lab-cell";
export { startSweep, sweepWithProgress, type RunningSweep } from "../../src/notebook/sweep-board";
export { RUN_FILE, recordRun, saveRun, loadRun, savedOrLessonRun } from "../../src/node/run-files";
export { sweep, SharedRecords } from "./sweep";
export { plotlyScript, standaloneHtml } from "./plotly-file";
export { librarySource } from "../../src/notebook/source";
