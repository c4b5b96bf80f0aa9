/**
 * JupyterLab 4's notebook, alone on a page: the same @jupyterlab/* packages
 * (notebook, rendermime, services, codemirror) JupyterLab itself is built
 * from, put together as JupyterLab's own examples/notebook (v4.5.10) does,
 * for the CI stage that drives the project's notebooks in it
 * (jupyter/lab-ui-test.ts). The server (main.py) passes in the page config:
 *   notebookPath    the notebook to open, relative to the server's root
 *   plotlyRenderer  "1": also register the Plotly MIME renderer of
 *                   jupyterlab-plotly (what `pip install plotly` adds to JupyterLab)
 * The test drives the page through `window.backpropLab` with the actions
 * JupyterLab's menus call (NotebookActions, the document context's save).
 */
import { PageConfig } from "@jupyterlab/coreutils";
import { SessionContextDialogs } from "@jupyterlab/apputils";
import {
  CodeMirrorEditorFactory,
  CodeMirrorMimeTypeService,
  EditorExtensionRegistry,
  EditorLanguageRegistry,
  EditorThemeRegistry,
  ybinding,
} from "@jupyterlab/codemirror";
import { DocumentManager } from "@jupyterlab/docmanager";
import { DocumentRegistry } from "@jupyterlab/docregistry";
import { createMarkdownParser } from "@jupyterlab/markedparser-extension";
import { NotebookActions, NotebookModelFactory, NotebookPanel, NotebookWidgetFactory, StaticNotebook } from "@jupyterlab/notebook";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import { ServiceManager } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";

import "@jupyterlab/application/style/index.css";
import "@jupyterlab/codemirror/style/index.css";
import "@jupyterlab/notebook/style/index.css";
import "@jupyterlab/theme-light-extension/style/theme.css";
import "./page.css";

async function main() {
  const manager = new ServiceManager();
  await manager.ready;

  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) {
    if (["typescript", "javascript", "markdown"].includes(language.name.toLowerCase())) languages.addLanguage(language);
  }
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, markdownParser: createMarkdownParser(languages) });
  if (PageConfig.getOption("plotlyRenderer") === "1") {
    // Only the MIME renderer (what JupyterLab registers from the package's
    // "mimeExtension", at the rank it asks for); its FigureWidget plugin needs ipywidgets.
    const { default: plotlyExtensions } = await import("jupyterlab-plotly/lib/plotly-renderer");
    for (const extension of [plotlyExtensions].flat()) rendermime.addFactory(extension.rendererFactory, extension.rank);
  }

  const docRegistry = new DocumentRegistry();
  const docManager = new DocumentManager({
    registry: docRegistry,
    manager,
    opener: { open: () => undefined, get opened() { return { connect: () => false, disconnect: () => false }; } },
  });
  const extensions = new EditorExtensionRegistry();
  const themes = new EditorThemeRegistry();
  for (const theme of EditorThemeRegistry.getDefaultThemes()) themes.addTheme(theme);
  for (const factory of EditorExtensionRegistry.getDefaultExtensions({ themes })) extensions.addExtension(factory);
  extensions.addExtension({
    name: "shared-model-binding",
    factory: (options) => EditorExtensionRegistry.createImmutableExtension(
      ybinding({ ytext: options.model.sharedModel.ysource, undoManager: options.model.sharedModel.undoManager ?? undefined }),
    ),
  });
  const editorFactory = new CodeMirrorEditorFactory({ extensions, languages }).newInlineEditor;
  docRegistry.addModelFactory(new NotebookModelFactory({}));
  docRegistry.addWidgetFactory(new NotebookWidgetFactory({
    name: "Notebook",
    modelName: "notebook",
    fileTypes: ["notebook"],
    defaultFor: ["notebook"],
    preferKernel: true,
    canStartKernel: true,
    rendermime,
    contentFactory: new NotebookPanel.ContentFactory({ editorFactory }),
    mimeTypeService: new CodeMirrorMimeTypeService(languages),
    // Every cell in the DOM, so that the test sees every output.
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: "none" },
  }));

  const panel = docManager.open(PageConfig.getOption("notebookPath"));
  panel.id = "main";
  panel.addClass("jp-ThemedContainer");
  Widget.attach(panel, document.body);
  window.addEventListener("resize", () => panel.update());

  const dialogs = new SessionContextDialogs();
  window.backpropLab = {
    panel,
    NotebookActions,
    /** Run > Run All Cells. */
    runAll: () => NotebookActions.runAll(panel.content, panel.sessionContext, dialogs),
    /** Runs the cell at `index` (selects it, then Run > Run Selected Cell). */
    runCell: (index) => {
      panel.content.activeCellIndex = index;
      panel.content.deselectAll();
      return NotebookActions.run(panel.content, panel.sessionContext, dialogs);
    },
    /** Edit > Clear Outputs of the cell at `index`. */
    clearOutput: (index) => {
      panel.content.activeCellIndex = index;
      panel.content.deselectAll();
      NotebookActions.clearOutputs(panel.content);
    },
    /** Edit > Delete Cell at `index`. */
    deleteCell: (index) => {
      panel.content.activeCellIndex = index;
      panel.content.deselectAll();
      NotebookActions.deleteCells(panel.content);
    },
    /** File > Save Notebook. */
    save: () => panel.context.save(),
  };
}

window.addEventListener("load", () => {
  main().catch((error) => {
    document.body.textContent = `backprop-moons JupyterLab page: ${error && error.stack ? error.stack : error}`;
    window.backpropLabError = String(error);
  });
});
