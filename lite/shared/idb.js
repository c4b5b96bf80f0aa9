/**
 * The edition's browser storage: one IndexedDB database, two stores.
 *   notebooks  the learner's edited notebooks, by path (lite/page/drive.js)
 *   files      what cells write with `fs` or saveRun (lite/kernel/fs.ts): output/run.json, ...
 * Used by the page and by the kernel worker (IndexedDB works in both).
 */
export const DB_NAME = "backprop-moons-lite";
export const STORES = ["notebooks", "files"];

let opening;

/** The database (opened once per thread). */
export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      for (const name of STORES) if (!request.result.objectStoreNames.contains(name)) request.result.createObjectStore(name);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function idbGet(store, key) {
  const db = await openDb();
  return done(db.transaction(store).objectStore(store).get(key));
}

export async function idbPut(store, key, value) {
  const db = await openDb();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).put(value, key);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

export async function idbDelete(store, key) {
  const db = await openDb();
  const tx = db.transaction(store, "readwrite");
  tx.objectStore(store).delete(key);
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** Every [key, value] of a store. */
export async function idbEntries(store) {
  const db = await openDb();
  const os = db.transaction(store).objectStore(store);
  const [keys, values] = await Promise.all([done(os.getAllKeys()), done(os.getAll())]);
  return keys.map((k, i) => [k, values[i]]);
}
