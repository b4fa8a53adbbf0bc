// Dotted paths into JSON documents: where records are in a page, where a
// cursor is, and where an output is in a webhook's answer.

type Step =
  | { kind: "name"; name: string }
  | { kind: "index"; index: number; name: string }
  | { kind: "all" }
  | { kind: "select"; field: string; value: string };

/** A path that cannot be parsed. */
export class PathError extends Error {}

/** Parses "a.b[].c", "[email=x@y.z].id" or "items.0.id" into steps. */
export function parse(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === ".") {
      i++;
      continue;
    }
    if (path[i] === "[") {
      const end = path.indexOf("]", i);
      if (end < 0) throw new PathError(`path ${JSON.stringify(path)} has an unclosed '['`);
      const inner = path.slice(i + 1, end);
      i = end + 1;
      if (inner === "") steps.push({ kind: "all" });
      else if (inner.includes("=")) {
        const at = inner.indexOf("=");
        steps.push({ kind: "select", field: inner.slice(0, at), value: inner.slice(at + 1) });
      } else if (/^\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner), name: "" });
      else throw new PathError(`path ${JSON.stringify(path)}: [${inner}] is neither [], [n] nor [field=value]`);
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
    const name = path.slice(i, end);
    i = end;
    steps.push(/^\d+$/.test(name) ? { kind: "index", index: Number(name), name } : { kind: "name", name });
  }
  return steps;
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

const missing = Symbol("missing");

function lookup(doc: unknown, steps: Step[]): unknown {
  if (steps.length === 0) return doc;
  const [step, ...rest] = steps;
  switch (step.kind) {
    case "all":
      if (!Array.isArray(doc)) return missing;
      for (const el of doc) {
        const found = lookup(el, rest);
        if (found !== missing) return found;
      }
      return missing;
    case "select":
      if (!Array.isArray(doc)) return missing;
      for (const el of doc) {
        if (el && typeof el === "object" && scalar((el as Record<string, unknown>)[step.field]) === step.value) {
          return lookup(el, rest);
        }
      }
      return missing;
    case "index":
      if (Array.isArray(doc)) return step.index < doc.length ? lookup(doc[step.index], rest) : missing;
      if (doc && typeof doc === "object" && step.name in doc) return lookup((doc as Record<string, unknown>)[step.name], rest);
      return missing;
    case "name":
      if (doc && typeof doc === "object" && !Array.isArray(doc) && step.name in doc) {
        return lookup((doc as Record<string, unknown>)[step.name], rest);
      }
      return missing;
  }
}

/** The value at path in doc, or undefined when the path leads nowhere. */
export function get(doc: unknown, path: string): { found: boolean; value: unknown } {
  const v = path ? lookup(doc, parse(path)) : doc;
  return v === missing ? { found: false, value: undefined } : { found: true, value: v };
}
