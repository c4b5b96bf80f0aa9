/**
 * What only Node (and Deno, through its Node compatibility) can run: files
 * and worker threads. The browser side (src/index.ts) never imports this.
 */
export { RUN_FILE, type SaveOptions, recordRun, saveRun, loadRun, savedOrLessonRun } from "./run-files";
export { sweep, SharedRecords, type SweepOptions } from "./sweep-pool";
export { plotlyScript, standaloneHtml } from "./plotly-file";
