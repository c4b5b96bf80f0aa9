/**
 * Checks shared by the public functions: each argument has a domain, and a
 * value outside it is rejected with an Error that says which function, which
 * argument and what was expected, BEFORE anything changes (no weight moved, no
 * random number drawn). Saved files are read strictly: exactly the fields
 * `toJSON` writes, nothing inherited, no getters, every number finite.
 */

/**
 * The most numbers a function may allocate on a caller's say-so (a size, a
 * sample count, a layer shape): 2^24, i.e. 128 MB of doubles. A typo like
 * `makeMoons(2e9)` is refused at once instead of exhausting a laptop's memory.
 */
export const MAX_ELEMENTS = 2 ** 24;

/** A short, safe description of any value for an error message (never throws, even on a Symbol). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  switch (typeof value) {
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "string":
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case "bigint":
      return `${value}n (a bigint)`;
    case "undefined":
    case "boolean":
      return String(value);
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    default: {
      if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
      const proto: unknown = Object.getPrototypeOf(value);
      const name = proto === null ? "" : (proto as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === "string" && name !== "Object" && name !== "" ? `a ${name}` : "an object";
    }
  }
}

/** `value` must be an integer in [min, max]; returns it. */
export function integerIn(value: unknown, min: number, max: number, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${where}: ${name} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

/** `value` must be a finite number in [min, max]; returns it. */
export function numberIn(value: unknown, min: number, max: number, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${where}: ${name} must be a finite number in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

/** A size the caller asks us to allocate: a positive integer, at most MAX_ELEMENTS. */
export function sizeArgument(value: unknown, name: string, where: string): number {
  return integerIn(value, 1, MAX_ELEMENTS, name, where);
}

/** rows * cols numbers would exceed MAX_ELEMENTS: refuse before allocating. */
export function assertElementCount(count: number, what: string, where: string): void {
  if (count > MAX_ELEMENTS) {
    throw new Error(`${where}: ${what} would hold ${count} numbers, more than the limit of ${MAX_ELEMENTS} (2^24, 128 MB of doubles)`);
  }
}

/** An array or a typed array: a list of labels, indices or numbers (its entries are checked by the caller). */
export function isList(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** Optional-argument objects: must be a plain object whose keys are all known (a typo is an error, not a silent default). */
export function optionsObject<T extends object>(value: unknown, known: readonly (keyof T & string)[], where: string): Partial<T> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new Error(`${where}: options must be an object, got ${describe(value)}`);
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key !== "string" || !known.includes(key as keyof T & string)) {
      throw new Error(`${where}: unknown option ${describe(typeof key === "string" ? key : String(key))}; the options are ${known.join(", ")}`);
    }
  }
  return value as Partial<T>;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// ---------------------------------------------------------------------------
// Saved files
// ---------------------------------------------------------------------------

/**
 * The object behind `json`: a string is parsed as JSON text (a syntax error is
 * reported with its line, column and the text around it); anything else is
 * taken as the already-parsed value.
 */
export function parseJSONText(json: unknown, where: string): unknown {
  if (typeof json !== "string") return json;
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new Error(`${where}: json is not valid JSON text: ${(e as Error).message}${locate(json, (e as Error).message)}`);
  }
}

/** ", at line L column C near `...`" from V8's "at position N", or "" when it gives none. */
function locate(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  const at = match ? Number(match[1]) : message.includes("end of JSON input") ? text.length : -1;
  if (at < 0) return "";
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  const near = JSON.stringify(text.slice(Math.max(0, at - 20), at + 20));
  return ` (line ${line}, column ${column}, near ${near})`;
}

/**
 * A saved object must have exactly `keys` as its own data fields: no missing
 * or extra field (a `__proto__` key that JSON.parse made an own field counts
 * as extra), nothing inherited, no getters. Returns the values by name in a
 * null-prototype record, so no key can reach Object.prototype.
 */
export function exactFields<K extends string>(value: unknown, keys: readonly K[], path: string, where: string): Record<K, unknown> {
  if (!isPlainObject(value)) {
    throw new Error(`${where}: ${path} must be an object with the fields ${keys.join(", ")}, got ${describe(value)}`);
  }
  const own = Reflect.ownKeys(value);
  for (const key of own) {
    if (typeof key !== "string" || !(keys as readonly string[]).includes(key)) {
      const shown = typeof key === "string" ? JSON.stringify(key) : String(key);
      throw new Error(`${where}: ${path} has an unexpected field ${shown}; expected exactly ${keys.join(", ")}`);
    }
  }
  const out = Object.create(null) as Record<K, unknown>;
  for (const key of keys) {
    const field = Object.getOwnPropertyDescriptor(value, key);
    if (field === undefined) throw new Error(`${where}: ${path} is missing the field ${key}; expected exactly ${keys.join(", ")}`);
    if (!("value" in field)) throw new Error(`${where}: ${path}.${key} must be a plain value, not a getter`);
    out[key] = field.value;
  }
  return out;
}

/** A saved array (a real Array, every index present); returns its elements as a new array. */
export function savedArray(value: unknown, path: string, where: string, expectedLength?: number): unknown[] {
  if (!Array.isArray(value)) {
    throw new Error(`${where}: ${path} must be an array${expectedLength === undefined ? "" : ` of ${expectedLength} entries`}, got ${describe(value)}`);
  }
  if (expectedLength !== undefined && value.length !== expectedLength) {
    throw new Error(`${where}: ${path} must have ${expectedLength} entries, got ${value.length}`);
  }
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) {
    const field = Object.getOwnPropertyDescriptor(value, i);
    if (field === undefined || !("value" in field)) throw new Error(`${where}: ${path}[${i}] is missing (a hole or a getter in the array)`);
    out[i] = field.value;
  }
  return out;
}

/** A saved finite number. */
export function savedNumber(value: unknown, path: string, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`${where}: ${path} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** A saved array of finite numbers, as a plain number[]. */
export function savedNumbers(value: unknown, path: string, where: string, expectedLength?: number): number[] {
  return savedArray(value, path, where, expectedLength).map((v, i) => savedNumber(v, `${path}[${i}]`, where));
}
