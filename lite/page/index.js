/**
 * The notebook page of the browser edition (docs/lite.md): JupyterLab 4.6's
 * notebook, as jupyter/lab/src/index.js puts it together, on JupyterLite's
 * in-browser services: no server. The kernel runs in a Web Worker
 * (kernel.js); notebooks come from the site and the learner's copies from
 * the browser's storage (drive.js); figures are drawn by plotly-renderer.js.
 *
 * Each notebook has its page, e.g. 01-dataset.html, which names it in its
 * page config (`notebookPath`). The CI test (lite/test/lite-test.ts) drives
 * the page through `window.backpropLite`.
 */
import { PageConfig } from "@jupyterlab/coreutils";
import "@jupyterlab/application/style/index.css";
import "@jupyterlab/codemirror/style/index.css";
import "@jupyterlab/notebook/style/index.css";
import "@jupyterlab/theme-light-extension/style/theme.css";
import "./page.css";

// Before any @jupyterlab/@jupyterlite module reads it: the folder of this page, so that the site works from any sub-path.
PageConfig.setOption("baseUrl", new URL(".", location.href).pathname);
PageConfig.setOption("wsUrl", new URL(".", location.href).href.replace(/^http/, "ws"));

const t0 = performance.now();
window.backpropLite = { kernelReadyMs: [], restarts: [], timings: {} };

async function main() {
  const [
    { SessionContextDialogs },
    codemirror,
    { DocumentManager },
    { DocumentRegistry },
    { createMarkdownParser },
    { NotebookActions, NotebookModelFactory, NotebookPanel, NotebookWidgetFactory, StaticNotebook },
    { RenderMimeRegistry, standardRendererFactories },
    services,
    lite,
    { WebSocket: MockWebSocket },
    { Widget },
    { CommandRegistry },
    { Signal, Stream },
    ui,
    { WorkerKernel, InterruptingKernelClient, KERNEL_SPEC, RESTARTED },
    { LessonDrive },
    { plotlyRendererFactory, loadPlotly },
  ] = await Promise.all([
    import("@jupyterlab/apputils"),
    import("@jupyterlab/codemirror"),
    import("@jupyterlab/docmanager"),
    import("@jupyterlab/docregistry"),
    import("@jupyterlab/markedparser-extension"),
    import("@jupyterlab/notebook"),
    import("@jupyterlab/rendermime"),
    import("@jupyterlab/services"),
    import("@jupyterlite/services"),
    import("mock-socket"),
    import("@lumino/widgets"),
    import("@lumino/commands"),
    import("@lumino/signaling"),
    import("@jupyterlab/ui-components"),
    import("./kernel.js"),
    import("./drive.js"),
    import("./plotly-renderer.js"),
  ]);
  const { CodeMirrorEditorFactory, CodeMirrorMimeTypeService, EditorExtensionRegistry, EditorLanguageRegistry, EditorThemeRegistry, ybinding } = codemirror;
  const { ServerConnection, ServiceManager, ContentsManager, KernelManager, SessionManager, KernelSpecManager, TerminalManager } = services;
  const { KernelSpecs, LiteKernelSpecClient, LiteSessionClient } = lite;

  const notebookPath = PageConfig.getOption("notebookPath");
  const lessonPage = PageConfig.getOption("lessonPage");

  // ---- services: everything in this page
  const serverSettings = { ...ServerConnection.makeSettings(), WebSocket: MockWebSocket };
  const kernelSpecs = new KernelSpecs();
  kernelSpecs.register({ spec: KERNEL_SPEC, create: async (options) => new WorkerKernel(options) });
  const kernelClient = new InterruptingKernelClient({ kernelSpecs, serverSettings });
  const kernels = new KernelManager({ serverSettings, kernelAPIClient: kernelClient, kernelSpecAPIClient: new LiteKernelSpecClient({ kernelSpecs, serverSettings }) });
  const sessions = new SessionManager({ serverSettings, kernelManager: kernels, sessionAPIClient: new LiteSessionClient({ kernelClient, serverSettings }) });
  const kernelspecs = new KernelSpecManager({ serverSettings, kernelSpecAPIClient: new LiteKernelSpecClient({ kernelSpecs, serverSettings }) });
  const drive = new LessonDrive();
  const contents = new ContentsManager({ serverSettings, defaultDrive: drive });
  const nothing = () => {
    const stub = { isDisposed: false, dispose() {}, isReady: true, ready: Promise.resolve(), connectionFailure: new Signal({}), isAvailable: () => false, serverSettings };
    return stub;
  };
  const events = { ...nothing(), stream: new Stream({}), emit: async () => undefined };
  const identity = { username: "learner", name: "Learner", display_name: "Learner", initials: "L", color: "var(--jp-collaborator-color1)" };
  const user = { ...nothing(), identity, permissions: {}, userChanged: new Signal({}), refreshUser: async () => undefined };
  const manager = new ServiceManager({
    serverSettings, contents, kernels, sessions, kernelspecs, events, user,
    terminals: new TerminalManager.NoopManager({ serverSettings }),
    settings: nothing(), builder: { ...nothing(), isAvailable: false, shouldCheck: false }, workspaces: nothing(), nbconvert: nothing(),
  });
  await manager.ready;

  // ---- the notebook widget, as jupyter/lab/src/index.js
  const languages = new EditorLanguageRegistry();
  for (const language of EditorLanguageRegistry.getDefaultLanguages()) {
    if (["typescript", "javascript", "markdown"].includes(language.name.toLowerCase())) languages.addLanguage(language);
  }
  const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories, markdownParser: createMarkdownParser(languages) });
  rendermime.addFactory(plotlyRendererFactory, 0);
  const docRegistry = new DocumentRegistry();
  const docManager = new DocumentManager({
    registry: docRegistry,
    manager,
    opener: { open: () => undefined, get opened() { return { connect: () => false, disconnect: () => false }; } },
  });
  docManager.autosave = false; // this page saves shortly after each change (below)
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
    notebookConfig: { ...StaticNotebook.defaultNotebookConfig, windowingMode: "none" },
  }));

  const status = await drive.status(notebookPath);
  const panel = docManager.open(notebookPath);
  panel.id = "main";
  panel.addClass("jp-ThemedContainer");
  Widget.attach(panel, document.getElementById("notebook-host"));
  window.addEventListener("resize", () => panel.update());
  const dialogs = new SessionContextDialogs();
  const notebook = panel.content;

  // ---- saving: shortly after each change, to the browser's storage
  let resetting = false;
  let saveTimer;
  const savedNote = document.getElementById("saved-note");
  const save = async () => {
    clearTimeout(saveTimer);
    if (resetting) return;
    await panel.context.save();
    savedNote.textContent = `Your copy, saved in this browser at ${new Date().toLocaleTimeString()}.`;
  };
  await panel.context.ready;
  window.backpropLite.timings.notebookShownMs = performance.now() - t0;
  savedNote.textContent = status.source === "saved" ? `Your copy, saved in this browser ${new Date(status.saved.savedAt).toLocaleString()}.` : "The lesson's version: your edits are saved in this browser.";
  panel.context.model.contentChanged.connect(() => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void save().catch((e) => console.error("save failed", e)), 1500);
  });

  // ---- the toolbar
  const button = (label, tooltip, icon, onClick, className) => {
    const b = new ui.ToolbarButton({ label, tooltip, icon, onClick, className });
    return b;
  };
  const runAll = () => NotebookActions.runAll(notebook, panel.sessionContext, dialogs);
  const interrupt = async () => panel.sessionContext.session?.kernel?.interrupt();
  const restart = async () => {
    await panel.sessionContext.session?.kernel?.restart();
  };
  const download = async () => {
    const nb = panel.context.model.toJSON();
    try {
      const shipped = await drive.shipped(notebookPath);
      nb.metadata = { ...nb.metadata, kernelspec: shipped.metadata.kernelspec, language_info: shipped.metadata.language_info };
    } catch { /* a notebook the site no longer ships keeps what it has */ }
    const blob = new Blob([JSON.stringify(nb, null, 1) + "\n"], { type: "application/x-ipynb+json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = notebookPath.split("/").pop();
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  let armed;
  const resetButton = button("Reset to the lesson's version", "Discard your edits of this notebook (saved in this browser) and open the lesson's version", ui.undoIcon, () => {
    if (!armed) {
      armed = setTimeout(() => { armed = undefined; resetButton.node.querySelector(".jp-ToolbarButtonComponent-label").textContent = "Reset to the lesson's version"; }, 5000);
      resetButton.node.querySelector(".jp-ToolbarButtonComponent-label").textContent = "Click again to discard your edits";
      return;
    }
    void resetToLesson();
  }, "lite-reset");
  const resetToLesson = async () => {
    resetting = true;
    clearTimeout(saveTimer);
    await drive.reset(notebookPath);
    location.reload();
  };
  panel.toolbar.addItem("save", button("", "Save (in this browser)", ui.saveIcon, () => void save()));
  panel.toolbar.addItem("run", button("", "Run the selected cell and advance (Shift+Enter)", ui.runIcon, () => void NotebookActions.runAndAdvance(notebook, panel.sessionContext, dialogs)));
  panel.toolbar.addItem("run-all", button("Run all", "Run every cell", ui.fastForwardIcon, () => void runAll()));
  panel.toolbar.addItem("interrupt", button("", "Interrupt the kernel", ui.stopIcon, () => void interrupt()));
  panel.toolbar.addItem("restart", button("", "Restart the kernel", ui.refreshIcon, () => void restart()));
  panel.toolbar.addItem("spacer", ui.Toolbar.createSpacerItem());
  panel.toolbar.addItem("download", button("Download .ipynb", "Download this notebook as it is now (opens unchanged on tslab)", ui.downloadIcon, () => void download(), "lite-download"));
  panel.toolbar.addItem("reset", resetButton);
  const kernelStatus = new Widget();
  kernelStatus.addClass("lite-kernel-status");
  panel.toolbar.addItem("kernel-status", kernelStatus);
  const showStatus = () => (kernelStatus.node.textContent = `kernel: ${panel.sessionContext.kernelDisplayStatus}`);
  panel.sessionContext.statusChanged.connect(showStatus);
  panel.sessionContext.connectionStatusChanged.connect(showStatus);
  showStatus();

  // ---- banners
  const banners = document.getElementById("banners");
  const banner = (className, html, actions) => {
    const div = document.createElement("div");
    div.className = `lite-banner ${className}`;
    div.innerHTML = html;
    for (const [label, act] of actions) {
      const b = document.createElement("button");
      b.textContent = label;
      b.onclick = () => act(div);
      div.appendChild(b);
    }
    banners.appendChild(div);
    return div;
  };
  if (status.newer) {
    banner("lite-newer", `<b>This site has a newer version of this notebook</b> than the one your edits (saved ${new Date(status.saved.savedAt).toLocaleString()}) were made on. You are looking at your copy. `, [
      ["Download my copy", () => void download()],
      ["Open the new version (discard my copy)", () => void resetToLesson()],
      ["Keep my copy", async (div) => {
        const entry = await drive.shippedEntry(notebookPath);
        await drive.acknowledge(notebookPath, entry);
        div.remove();
      }],
    ]);
  }
  window.addEventListener("backprop-kernel-restarted", () => {
    if (banners.querySelector(".lite-restarted")) return;
    banner("lite-restarted", `<b>The kernel was restarted</b> to stop a cell that did not yield: run the cells above again. `, [["OK", (div) => div.remove()]]);
  });

  // ---- keyboard: the notebook's usual keys
  const commands = new CommandRegistry();
  const add = (id, keys, selector, execute) => {
    commands.addCommand(id, { execute });
    commands.addKeyBinding({ command: id, keys, selector });
  };
  add("run-and-advance", ["Shift Enter"], ".jp-Notebook", () => NotebookActions.runAndAdvance(notebook, panel.sessionContext, dialogs));
  add("run", ["Accel Enter"], ".jp-Notebook", () => NotebookActions.run(notebook, panel.sessionContext, dialogs));
  add("run-and-insert", ["Alt Enter"], ".jp-Notebook", () => NotebookActions.runAndInsert(notebook, panel.sessionContext, dialogs));
  add("edit", ["Enter"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => (notebook.mode = "edit"));
  add("command-mode", ["Escape"], ".jp-Notebook.jp-mod-editMode", () => (notebook.mode = "command"));
  add("save", ["Accel S"], "body", () => void save());
  add("up", ["ArrowUp"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => NotebookActions.selectAbove(notebook));
  add("down", ["ArrowDown"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => NotebookActions.selectBelow(notebook));
  add("insert-below", ["B"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => NotebookActions.insertBelow(notebook));
  add("insert-above", ["A"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => NotebookActions.insertAbove(notebook));
  add("interrupt", ["I", "I"], ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus", () => void interrupt());
  document.addEventListener("keydown", (event) => commands.processKeydownEvent(event), true);

  // ---- for the CI test (lite/test/lite-test.ts)
  Object.assign(window.backpropLite, {
    panel,
    NotebookActions,
    drive,
    status,
    runAll,
    runCell: (index) => {
      notebook.activeCellIndex = index;
      notebook.deselectAll();
      return NotebookActions.run(notebook, panel.sessionContext, dialogs);
    },
    interrupt,
    restart,
    save,
    download,
    resetToLesson,
    kernelReady: () => panel.sessionContext.ready.then(() => panel.sessionContext.session?.kernel?.info),
  });
  window.backpropLite.ready = true;
  // plotly.js once the notebook is on screen, so the first figure does not wait for it.
  setTimeout(() => void loadPlotly().catch(() => undefined), 0);
}

main().catch((error) => {
  document.body.textContent = `backprop-moons in the browser: ${error && error.stack ? error.stack : error}`;
  window.backpropLite.error = String(error && error.stack ? error.stack : error);
});
