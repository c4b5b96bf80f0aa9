/** A short digest of a notebook's cells (type and source): the build and the page (drive.js) must agree on it. */
export function sourceDigest(nb) {
  const text = JSON.stringify((nb.cells ?? []).map((c) => [c.cell_type, Array.isArray(c.source) ? c.source.join("") : c.source]));
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 + c, 2246822519) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
