/**
 * Values as text, close to Node's util.inspect (what tslab prints for a
 * cell's result and for console.log of an object), and console.table's box.
 * Only what the notebooks need: primitives, arrays, typed arrays, plain
 * objects and class instances, Maps, Sets, errors, functions; depth 2,
 * at most 100 array items, lines broken past 72 characters.
 */
const MAX_ITEMS = 100;

function key(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : `'${k.replace(/'/g, "\\'")}'`;
}

function join(open: string, items: string[], close: string, indent: string): string {
  if (items.length === 0) return `${open}${close}`;
  const flat = `${open} ${items.join(", ")} ${close}`;
  if (flat.length <= 72 && !flat.includes("\n")) return flat;
  return `${open}\n${items.map((i) => `${indent}  ${i}`).join(",\n")}\n${indent}${close}`;
}

export function inspect(value: unknown, depth = 2, indent = "", seen: unknown[] = []): string {
  switch (typeof value) {
    case "string": return indent === "" && seen.length === 0 ? `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'` : `'${value.replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "boolean": case "undefined": return String(value);
    case "symbol": return value.toString();
    case "function": {
      const isClass = /^class\b/.test(Function.prototype.toString.call(value));
      return `[${isClass ? "class" : "Function"}${value.name ? `: ${value.name}` : " (anonymous)"}]`;
    }
  }
  if (value === null) return "null";
  if (seen.includes(value)) return "[Circular]";
  const next = [...seen, value];
  const inner = indent + "  ";
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const arr = value as unknown as ArrayLike<number>;
    const items = Array.from({ length: Math.min(arr.length, MAX_ITEMS) }, (_, i) => inspect(arr[i], depth - 1, inner, next));
    if (arr.length > MAX_ITEMS) items.push(`... ${arr.length - MAX_ITEMS} more items`);
    return `${value.constructor.name}(${arr.length}) ${join("[", items, "]", indent)}`;
  }
  if (depth < 0) return Array.isArray(value) ? "[Array]" : `[${(value as object).constructor?.name ?? "Object"}]`;
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => inspect(v, depth - 1, inner, next));
    if (value.length > MAX_ITEMS) items.push(`... ${value.length - MAX_ITEMS} more items`);
    return join("[", items, "]", indent);
  }
  if (value instanceof Map) {
    const items = [...value].slice(0, MAX_ITEMS).map(([k, v]) => `${inspect(k, depth - 1, inner, next)} => ${inspect(v, depth - 1, inner, next)}`);
    return `Map(${value.size}) ${join("{", items, "}", indent)}`;
  }
  if (value instanceof Set) {
    const items = [...value].slice(0, MAX_ITEMS).map((v) => inspect(v, depth - 1, inner, next));
    return `Set(${value.size}) ${join("{", items, "}", indent)}`;
  }
  if (value instanceof Promise) return "Promise { <pending> }";
  const proto = Object.getPrototypeOf(value);
  const name = proto === null ? "[Object: null prototype]" : proto === Object.prototype ? "" : proto?.constructor?.name ?? "";
  const items = Object.keys(value as object).map((k) => `${key(k)}: ${inspect((value as Record<string, unknown>)[k], depth - 1, inner, next)}`);
  return `${name ? `${name} ` : ""}${join("{", items, "}", indent)}`;
}

/** console.log's formatting: strings as they are, other values inspected, %s %d %i %f %o %O %j substituted. */
export function format(...args: unknown[]): string {
  if (typeof args[0] === "string" && /%[sdifoOjc%]/.test(args[0])) {
    let rest = args.slice(1);
    const head = (args[0] as string).replace(/%([sdifoOjc%])/g, (m, f: string) => {
      if (f === "%") return "%";
      if (rest.length === 0) return m;
      const v = rest[0];
      rest = rest.slice(1);
      switch (f) {
        case "s": return typeof v === "string" ? v : inspect(v, 1);
        case "d": case "i": return String(f === "i" ? Math.trunc(Number(v)) : Number(v));
        case "f": return String(Number(v));
        case "j": return JSON.stringify(v);
        case "c": return "";
        default: return inspect(v, 4);
      }
    });
    return [head, ...rest.map((a) => (typeof a === "string" ? a : inspect(a)))].join(" ");
  }
  return args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" ");
}

/** console.table's box, as Node 20 draws it (cells centred). */
export function table(data: unknown, columns?: string[]): string {
  if (data === null || typeof data !== "object") return format(data);
  const rows = Object.entries(data as Record<string, unknown>);
  const keys: string[] = [];
  let hasValues = false;
  for (const [, row] of rows) {
    if (row !== null && typeof row === "object") {
      for (const k of Object.keys(row)) if (!keys.includes(k)) keys.push(k);
    } else hasValues = true;
  }
  const cols = columns ?? keys;
  const header = ["(index)", ...cols, ...(hasValues ? ["Values"] : [])];
  const cell = (v: unknown): string => (v === undefined ? "" : typeof v === "string" ? `'${v}'` : inspect(v, 0));
  const body = rows.map(([index, row]) => [
    index,
    ...cols.map((c) => (row !== null && typeof row === "object" ? cell((row as Record<string, unknown>)[c]) : "")),
    ...(hasValues ? [row !== null && typeof row === "object" ? "" : cell(row)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)) + 2);
  const centre = (s: string, w: number) => {
    const left = Math.floor((w - s.length) / 2);
    return " ".repeat(left) + s + " ".repeat(w - s.length - left);
  };
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
  const row = (cells: string[]) => "│" + cells.map((c, i) => centre(c, widths[i])).join("│") + "│";
  return [line("┌", "┬", "┐"), row(header), line("├", "┼", "┤"), ...body.map(row), line("└", "┴", "┘")].join("\n");
}
