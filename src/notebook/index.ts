/**
 * What a notebook cell calls besides the library (src/index.ts): showing
 * figures and live progress in Jupyter, the lab (`lab()`, which checks, then
 * trains with a live figure), the runs notebook 04 saves and 05 loads, and
 * sweeps on worker threads. It runs in a notebook kernel on Node (tslab) or
 * Deno.
 */
export { show, liveFigure, liveText, liveProgress, displayBundle, figureBundle } from "./display";
export { lab, compareCandidates, type LabOptions } from "./lab-cell";
export { startSweep, sweepWithProgress, type RunningSweep } from "./sweep-board";
export { RUN_FILE, recordRun, saveRun, loadRun, savedOrLessonRun, sweep, SharedRecords, plotlyScript, standaloneHtml } from "../node";
