/**
 * The notebooks' storage: a JupyterLab contents drive that reads the lesson's
 * notebooks as the site ships them (notebooks/*.ipynb, listed with their
 * digests in notebooks/index.json) and keeps the learner's saved copies in
 * the browser (IndexedDB, lite/shared/idb.js, store "notebooks").
 *
 * A saved copy remembers which shipped version it was edited from. When the
 * site ships a newer version:
 *  - a copy whose code and text the learner never changed (only ran) gives
 *    way to the new version silently;
 *  - an edited copy still opens, and `status(path)` says that a newer
 *    version exists, so the page can offer both (index.js): an old saved
 *    copy never silently hides the new one.
 */
import { ServerConnection } from "@jupyterlab/services";
import { Signal } from "@lumino/signaling";
import { idbDelete, idbGet, idbPut } from "../shared/idb.js";
import { sourceDigest } from "./digest.mjs";

export class LessonDrive {
  constructor() {
    this.name = "Lesson";
    this.serverSettings = ServerConnection.makeSettings();
    this.fileChanged = new Signal(this);
    this.isDisposed = false;
    this._manifest = undefined;
    this._shipped = new Map();
  }
  dispose() {
    this.isDisposed = true;
  }

  /** notebooks/index.json: { notebooks: [{ path, digest, sourceDigest, modified }] }. */
  async manifest() {
    this._manifest ??= fetch(new URL("notebooks/index.json", document.baseURI)).then((r) => r.json());
    return this._manifest;
  }
  async shippedEntry(path) {
    return (await this.manifest()).notebooks.find((n) => n.path === path);
  }
  /** The notebook as the site ships it. */
  async shipped(path) {
    if (!this._shipped.has(path)) {
      this._shipped.set(path, fetch(new URL(`notebooks/${encodeURIComponent(path)}`, document.baseURI)).then((r) => {
        if (!r.ok) throw new Error(`no notebook ${path} on this site (HTTP ${r.status})`);
        return r.json();
      }));
    }
    return this._shipped.get(path);
  }

  /**
   * Which copy opens, and why: { source: "lesson" | "saved", newer: bool, saved? }.
   * newer: the learner's edited copy was made from an older version than the site's.
   */
  async status(path) {
    const entry = await this.shippedEntry(path);
    const saved = await idbGet("notebooks", path);
    if (!saved) return { source: "lesson", newer: false };
    if (!entry || saved.base === entry.digest) return { source: "saved", newer: false, saved };
    if (sourceDigest(saved.content) === saved.baseSource) {
      // Only run, never edited: the new version replaces it.
      await idbDelete("notebooks", path);
      return { source: "lesson", newer: false };
    }
    return { source: "saved", newer: true, saved };
  }

  /** "Keep my copy": the learner's copy counts as made from the site's version `entry` from now on. */
  async acknowledge(path, entry) {
    const saved = await idbGet("notebooks", path);
    if (saved && entry) await idbPut("notebooks", path, { ...saved, base: entry.digest, baseSource: entry.sourceDigest });
  }

  /** Forgets the learner's copy: the lesson's version opens next time. */
  async reset(path) {
    await idbDelete("notebooks", path);
  }

  async get(path, options = {}) {
    path = path.replace(/^\/+/, "");
    if (path === "") {
      const m = await this.manifest();
      const content = options.content === false ? null : await Promise.all(m.notebooks.map((n) => this.get(n.path, { content: false })));
      return { name: "", path: "", type: "directory", format: "json", content, created: "", last_modified: "", writable: false, mimetype: "" };
    }
    const status = await this.status(path);
    const entry = await this.shippedEntry(path);
    if (!entry && !status.saved) throw new Error(`No notebook ${path}`);
    const modified = status.saved ? status.saved.savedAt : entry.modified;
    const content = options.content === false ? null : status.saved ? status.saved.content : await this.shipped(path);
    return { name: path.split("/").pop(), path, type: "notebook", format: options.content === false ? null : "json", content, created: modified, last_modified: modified, writable: true, mimetype: "application/x-ipynb+json" };
  }

  async save(path, options = {}) {
    path = path.replace(/^\/+/, "");
    const entry = await this.shippedEntry(path);
    const previous = await idbGet("notebooks", path);
    const savedAt = new Date().toISOString();
    // A copy keeps the version it was first made from, until reset.
    const base = previous?.base ?? entry?.digest;
    const baseSource = previous?.baseSource ?? entry?.sourceDigest;
    await idbPut("notebooks", path, { content: options.content, savedAt, base, baseSource });
    const model = { name: path.split("/").pop(), path, type: "notebook", format: null, content: null, created: savedAt, last_modified: savedAt, writable: true, mimetype: "application/x-ipynb+json" };
    this.fileChanged.emit({ type: "save", oldValue: null, newValue: model });
    return model;
  }

  async getDownloadUrl(path) {
    return new URL(`notebooks/${encodeURIComponent(path)}`, document.baseURI).href;
  }
  async newUntitled() {
    throw new Error("This edition opens the lesson's notebooks only");
  }
  async delete(path) {
    await this.reset(path);
  }
  async rename() {
    throw new Error("This edition does not rename notebooks");
  }
  async copy() {
    throw new Error("This edition does not copy notebooks");
  }
  async createCheckpoint() {
    return { id: "saved", last_modified: new Date().toISOString() };
  }
  async listCheckpoints() {
    return [];
  }
  async restoreCheckpoint() {}
  async deleteCheckpoint() {}
}
