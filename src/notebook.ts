/**
 * What a notebook cell calls besides the library (src/index.ts): showing
 * figures and live progress in Jupyter, the lab (`lab()`, which checks, then
 * trains with a live figure), the runs notebook 04 saves and 05 loads, and
 * sweeps on worker threads. It runs in a notebook kernel on Node (tslab) or
 * Deno. (It is a file beside the folder src/notebook/ so that the notebooks'
 * import line names it as ./src/notebook.)
 */
export { show, liveFigure, liveText, liveProgress, displayBundle, figureBundle } from "./notebook/display";
export { lab, compareCandidates, type LabOptions } from "./notebook/lab-cell";
export { startSweep, sweepWithProgress, type RunningSweep } from "./notebook/sweep-board";
// Each file by name: tslab resolves "./src/notebook" to this file, but not a folder to its index.ts.
export { RUN_FILE, recordRun, saveRun, loadRun, savedOrLessonRun } from "./node/run-files";
export { sweep, SharedRecords } from "./node/sweep-pool";
export { plotlyScript, standaloneHtml } from "./node/plotly-file";
export { librarySource } from "./notebook/source";
