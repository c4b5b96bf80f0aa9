/**
 * `npm run readme-figures`: remakes the README's pictures in docs/images/
 * with the project's own figures and SVG export. It trains the lesson's run
 * (seed 1, lr 0.01, 1000 epochs: 97.67 %), builds the decision boundary over
 * the test points, the MSE curve and the accuracy curve (src/figures/figures.ts),
 * writes each as an offline page (src/figures/html.ts) to output/readme-figures/,
 * and exports them with plotly.js in headless Chromium (scripts/export-svg.ts):
 * the curves as SVG, the boundary (600 points over filled contours, 275 KB as
 * SVG) as a PNG.
 * Needs Chromium (Debian's, or $CHROMIUM_PATH).
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { standaloneHtml } from "../src/node";
import { DEFAULT_SEED, accuracyFigure, articleData, articleNetwork, decisionBoundaryFigure, formatRecord, mseFigure } from "../src/index";
import type { Figure } from "../src/index";
import { parseCommandLine, repoRoot } from "../tools/shared/cli";
import { exportSvgs } from "./export-svg";

const USAGE = `Usage: npm run readme-figures

Trains the lesson's run and writes docs/images/decision-boundary.png, mse.svg and accuracy.svg.`;

/** Small enough to stand three in a row in a README. */
function sized(figure: Figure, width: number, height: number): Figure {
  const { legend: _legend, ...layout } = figure.layout;
  return { ...figure, layout: { ...layout, width, height, showlegend: false, margin: { l: 50, r: 10, t: 40, b: 40 } } };
}

async function main(): Promise<void> {
  parseCommandLine("readme-figures", USAGE, { options: {} });
  const { split } = articleData();
  const { XTrain, XTest, yTrain, yTest } = split;
  const nn = articleNetwork({ seed: DEFAULT_SEED });
  const history = nn.train(XTrain, XTest, yTrain, yTest, 0.01, 1000);
  console.log(formatRecord(history.last!));
  const boundary = decisionBoundaryFigure(nn, XTest, yTest, { title: "Decision boundary (test points)", resolution: 80 });
  const figures: [string, Figure][] = [
    ["decision-boundary", sized({ ...boundary, data: boundary.data.map((d) => ({ ...d, showscale: false })) }, 360, 320)],
    ["mse", sized(mseFigure(history), 360, 320)],
    ["accuracy", sized(accuracyFigure(history), 360, 320)],
  ];
  const pages = join(repoRoot, "output", "readme-figures");
  const images = join(repoRoot, "docs", "images");
  mkdirSync(pages, { recursive: true });
  mkdirSync(images, { recursive: true });
  const html = figures.map(([name, figure]) => {
    const file = join(pages, `${name}.html`);
    writeFileSync(file, standaloneHtml([figure], name));
    return file;
  });
  const exported = [...(await exportSvgs(html.slice(0, 1), { format: "png", scale: 1 })), ...(await exportSvgs(html.slice(1)))];
  for (const image of exported) {
    const target = join(images, relative(pages, image));
    copyFileSync(image, target);
    console.log(`wrote ${relative(process.cwd(), target)}`);
  }
}

main().catch((e) => {
  console.error(`readme-figures: ${(e as Error).message}`);
  process.exit(1);
});
