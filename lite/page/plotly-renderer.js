/**
 * The Plotly MIME renderer: draws `application/vnd.plotly.v1+json` outputs
 * with the project's plotly.js (plotly.min.js beside the page, from the
 * plotly.js-dist-min package, loaded on the first figure). An
 * update_display_data (the live figure while a network trains) redraws the
 * same element with Plotly.react.
 */
import { Widget } from "@lumino/widgets";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

let loading;
export function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = new URL("plotly.min.js", document.baseURI).href;
    script.onload = () => (window.Plotly ? resolve(window.Plotly) : reject(new Error("plotly.min.js did not define Plotly")));
    script.onerror = () => reject(new Error(`could not load ${script.src}`));
    document.head.appendChild(script);
  });
  return loading;
}

class PlotlyRenderer extends Widget {
  constructor() {
    super();
    this.addClass("lite-plotly");
    this._plot = document.createElement("div");
    this.node.appendChild(this._plot);
  }
  async renderModel(model) {
    const figure = model.data[PLOTLY_MIME];
    const Plotly = await loadPlotly();
    const layout = { ...(figure.layout ?? {}) };
    await Plotly.react(this._plot, { data: figure.data ?? [], layout, config: { responsive: true, displaylogo: false, ...(figure.config ?? {}) }, frames: figure.frames });
    this._plot.dataset.drawn = String(Number(this._plot.dataset.drawn ?? 0) + 1);
  }
  onAfterShow() {
    if (window.Plotly && this._plot.data) window.Plotly.Plots.resize(this._plot);
  }
}

export const plotlyRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME],
  defaultRank: 0,
  createRenderer: () => new PlotlyRenderer(),
};
