/**
 * A notebook cell (TypeScript) as JavaScript the kernel worker can run:
 *
 *  1. Sucrase strips the types (and keeps every line where it was, so a
 *     runtime error's line in the compiled code is its line in the cell);
 *  2. acorn parses the result, and the top-level statements are rewritten in
 *     place, never adding or removing a line:
 *       - `const`/`let`/`var x = ...` become assignments to globals, so the
 *         names persist across cells and re-running a cell does not fail;
 *       - `class A {}` becomes `A = class A {};`;
 *       - `function f() {}` stays, and a prologue copies it to a global;
 *       - `import { a, b as c } from "m"` becomes
 *         `{ const m = __import("m"); a = m.a; c = m.b; }` (namespace and default imports alike);
 *       - the last statement, if it is an expression, is returned: the cell's result;
 *  3. the whole is wrapped in an async function (top-level await works), on
 *     the cell's first line, with a sourceURL naming the cell, so that stack
 *     frames say `cell-N.ts:LINE:COLUMN` with LINE the cell's own line.
 *
 * Pure: runs in the worker, and in Node.
 */
import { parse } from "acorn";
import { transform } from "sucrase";

/** The name of the kernel's module loader in the compiled cell (set on the worker's global scope). */
export const IMPORT_FUNCTION = "__backpropImport";

export interface CompiledCell {
  /** The JavaScript to evaluate (with indirect eval): an async function expression. */
  js: string;
  /** The file name in stack frames of this cell's code. */
  file: string;
}

/** A syntax error in the cell, with its position in the cell (1-based line, 0-based column). */
export class CellSyntaxError extends SyntaxError {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "SyntaxError";
  }
}

interface Edit { start: number; end: number; text: string }

// acorn's nodes, as far as this file reads them.
interface Node { type: string; start: number; end: number; [key: string]: unknown }
interface Declarator extends Node { id: Node & { name?: string }; init: Node | null }

const newlines = (s: string): number => (s.match(/\n/g) ?? []).length;

/** The names a binding pattern declares (`{ a, b: [c, ...d] }` declares a, c, d). */
function patternNames(p: Node | null | undefined, out: string[] = []): string[] {
  if (!p) return out;
  switch (p.type) {
    case "Identifier": out.push(p.name as string); break;
    case "ObjectPattern": for (const prop of p.properties as Node[]) patternNames(prop.type === "RestElement" ? (prop.argument as Node) : (prop.value as Node), out); break;
    case "ArrayPattern": for (const el of p.elements as (Node | null)[]) patternNames(el, out); break;
    case "RestElement": patternNames(p.argument as Node, out); break;
    case "AssignmentPattern": patternNames(p.left as Node, out); break;
  }
  return out;
}

/** Strips the types of `source` (TypeScript) with Sucrase; a syntax error is thrown as CellSyntaxError. */
export function stripTypes(source: string): string {
  try {
    return transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true }).code;
  } catch (e) {
    const message = (e as Error).message;
    const at = /\((\d+):(\d+)\)\s*$/.exec(message);
    throw new CellSyntaxError(message.replace(/\s*\(\d+:\d+\)\s*$/, ""), at ? Number(at[1]) : 1, at ? Number(at[2]) - 1 : 0);
  }
}

/** Compiles cell `source` (TypeScript) into a CompiledCell; `name` names the cell in stack frames. */
export function compileCell(source: string, name: string): CompiledCell {
  const file = `${name}.ts`;
  const js = stripTypes(source);
  let program: Node;
  try {
    program = parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, locations: true }) as unknown as Node;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new CellSyntaxError(String((e as Error).message).replace(/\s*\(\d+:\d+\)$/, ""), loc?.line ?? 1, loc?.column ?? 0);
  }
  const edits: Edit[] = [];
  const prologue: string[] = [];
  const body = program.body as Node[];
  body.forEach((statement, index) => {
    let node = statement;
    // `export` in a cell means nothing: drop the keyword, keep the declaration.
    if ((node.type === "ExportNamedDeclaration" || node.type === "ExportDefaultDeclaration") && node.declaration) {
      const declaration = node.declaration as Node;
      edits.push({ start: node.start, end: declaration.start, text: " ".repeat(declaration.start - node.start) });
      node = declaration;
    }
    switch (node.type) {
      case "ImportDeclaration": {
        const from = JSON.stringify((node.source as Node).value);
        const parts = (node.specifiers as Node[]).map((s) => {
          const local = (s.local as Node).name as string;
          if (s.type === "ImportNamespaceSpecifier") return `globalThis.${local} = __m;`;
          if (s.type === "ImportDefaultSpecifier") return `globalThis.${local} = __m.default;`;
          const imported = s.imported as Node;
          const key = imported.type === "Identifier" ? `.${imported.name as string}` : `[${JSON.stringify(imported.value)}]`;
          return `globalThis.${local} = __m${key};`;
        });
        const original = js.slice(node.start, node.end);
        edits.push({ start: node.start, end: node.end, text: `;{ const __m = ${IMPORT_FUNCTION}(${from}); ${parts.join(" ")} }` + "\n".repeat(newlines(original)) });
        break;
      }
      case "VariableDeclaration": {
        const kind = node.kind as string;
        const declarations = node.declarations as Declarator[];
        // The keyword becomes "(" (a statement may start with a pattern: `({ a } = o)`), the end ")".
        edits.push({ start: node.start, end: node.start + kind.length, text: ";(" });
        for (const d of declarations) {
          if (d.init === null) {
            const names = patternNames(d.id);
            // `let x;` resets x; `var x;` keeps the value x had (as var does).
            edits.push({ start: d.id.end, end: d.id.end, text: kind === "var" ? ` = globalThis.${names[0]}` : " = undefined" });
          }
        }
        const last = declarations[declarations.length - 1];
        edits.push({ start: last.end, end: last.end, text: ")" });
        break;
      }
      case "ClassDeclaration": {
        const id = node.id as Node | null;
        if (id) {
          edits.push({ start: node.start, end: node.start, text: `;globalThis.${id.name as string} = ` });
          edits.push({ start: node.end, end: node.end, text: ";" });
        }
        break;
      }
      case "FunctionDeclaration": {
        const id = node.id as Node | null;
        if (id) prologue.push(`globalThis.${id.name as string} = ${id.name as string};`);
        break;
      }
      case "ExpressionStatement": {
        if (index === body.length - 1 && !node.directive) {
          const expression = node.expression as Node;
          edits.push({ start: expression.start, end: expression.start, text: "return (" });
          edits.push({ start: expression.end, end: expression.end, text: ")" });
        }
        break;
      }
    }
  });
  // Edits never overlap; apply from the end so earlier offsets stay valid (stable for equal offsets).
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = js;
  for (const e of ordered) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const wrapped = `(async function __cell() { ${prologue.join(" ")} ${out}\n})\n//# sourceURL=${file}`;
  return { js: wrapped, file };
}
