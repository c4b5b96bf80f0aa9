/**
 * The one reader of tslab's error text: what a failed cell wrote to stderr
 * (a thrown error's `Name: message` and stack, or TypeScript diagnostics
 * `3:7 - Type 'string' is not ...`) turned into the fields of a Jupyter
 * error (ename, evalue, traceback). Used by the kernel launcher (the
 * execute_reply of a failed cell) and the in-process notebook runner.
 */

export interface ErrorFields {
  ename: string;
  evalue: string;
  traceback: string[];
}

export function errorFields(stderr: string): ErrorFields {
  const text = stderr.trim() || "cell failed (tslab wrote no error text)";
  const thrown = /^\s*((?:[A-Za-z_$][\w$]*)?(?:Error|Exception)): (.*)$/m.exec(text);
  const diagnostic = /^(?:\S+ )?\d+:\d+ - (.*)$/m.exec(text); // a TypeScript compile error: "2:7 - Type 'string' is not ..."
  return {
    ename: thrown ? thrown[1] : diagnostic ? "TypeScriptError" : "Error",
    evalue: thrown ? thrown[2] : diagnostic ? diagnostic[1] : text.split("\n").pop()!,
    traceback: text.split("\n"),
  };
}
