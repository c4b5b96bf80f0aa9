/**
 * A chapter page: draws every figure from the Plotly JSON the build put next
 * to its <div> (plotly.js comes once, from assets/plotly.min.js, loaded
 * before this script), and counts what it drew for the browser test.
 */
import type * as PlotlyModule from "plotly.js";
import type { Figure } from "../../src/figures/figures";

interface ChapterStatus {
  figures: number;
  drawn: number;
  failed: string[];
  done: boolean;
}

const status: ChapterStatus = { figures: 0, drawn: 0, failed: [], done: false };
(window as unknown as { chapter: ChapterStatus }).chapter = status;

async function drawAll(): Promise<void> {
  const Plotly = (window as unknown as { Plotly?: typeof PlotlyModule }).Plotly;
  const sources = Array.from(document.querySelectorAll<HTMLScriptElement>("script[data-figure]"));
  status.figures = sources.length;
  for (const source of sources) {
    const id = source.dataset.figure ?? "";
    const el = document.getElementById(id);
    try {
      if (!Plotly) throw new Error("plotly.js is not loaded (assets/plotly.min.js)");
      if (!el) throw new Error(`no element #${id}`);
      const figure = JSON.parse(source.textContent ?? "") as Figure;
      // The page is narrower than a notebook: let the figure take the column's width.
      const layout = { ...figure.layout, width: undefined, autosize: true };
      await Plotly.newPlot(el, figure.data as PlotlyModule.Data[], layout as Partial<PlotlyModule.Layout>, { responsive: true, displaylogo: false, ...(figure.config ?? {}) });
      if (figure.frames) await Plotly.addFrames(el, figure.frames as unknown as PlotlyModule.Frame[]);
      status.drawn++;
    } catch (e) {
      status.failed.push(`${id}: ${(e as Error).message}`);
      if (el) el.textContent = `This figure could not be drawn: ${(e as Error).message}`;
    }
  }
  status.done = true;
}

void drawAll();
