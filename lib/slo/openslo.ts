import { LineCounter, YAMLParseError, parseAllDocuments, type Document } from "yaml";
import { Invalid, formatPath } from "../errors";
import { SloSchema, type SloConfig, type SloProblem } from "./schema";
import { checkBudgeting, isObj, mapTarget, mapTimeWindow, q, singleObjective, type Issue, type Obj, type Path } from "./openslo-fields";
import { mapIndicator } from "./openslo-indicator";

export { THRESHOLD_UNIT_ANNOTATION } from "./openslo-indicator";

/**
 * OpenSLO v1 `kind: SLO` documents → our SLO config. Only what maps onto our model is accepted
 * (inline ratio or threshold indicator, Occurrences budgeting, one objective, rolling 7d/28d/30d
 * or a UTC calendar month); anything else is a problem with its path and line, never silently
 * dropped. How the SLI kind and threshold unit are read: see openslo-indicator.ts.
 */

/** An OpenSLO file that cannot be used: every problem, each with its path and reason. */
export class SloDocumentError extends Invalid {
  readonly file: string;
  readonly problems: SloProblem[];
  constructor(file: string, problems: SloProblem[]) {
    super(
      `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`,
      problems,
    );
    this.file = file;
    this.problems = problems;
  }
}

const SPEC_KEYS = ["description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"];

/** Parse OpenSLO YAML (one or more `---` documents). Throws SloDocumentError listing every problem. */
export function parseOpenSlo(text: string, file: string): { slos: SloConfig[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problems: SloProblem[] = [];
  const slos: SloConfig[] = [];

  // A bare `---` at the start or end of a file makes an empty document: not an SLO, not an error.
  const list = (Array.isArray(docs) ? docs : []).map((doc) => ({ doc, raw: doc.errors.length > 0 ? undefined : toJS(doc) }));
  if (list.every(({ doc, raw }) => doc.errors.length === 0 && raw == null)) {
    throw new SloDocumentError(file, [{ path: "(file)", message: "no OpenSLO documents found" }]);
  }

  const seen = new Map<string, number>();
  list.forEach(({ doc, raw }, i) => {
    if (doc.errors.length === 0 && raw == null) return;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        problems.push({
          path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : formatPath([i]),
          message: e.message.split("\n")[0],
        });
      }
      return;
    }
    const issues: Issue[] = [];
    const slo = mapDocument(raw, issues);
    if (slo) {
      const first = seen.get(slo.id);
      if (first !== undefined) {
        issues.push({ path: ["metadata", "name"], message: `duplicate SLO name "${slo.id}" (also document [${first}])` });
      } else {
        seen.set(slo.id, i);
        slos.push(slo);
      }
    }
    for (const issue of issues) {
      const line = lineOf(doc, issue.path, lineCounter);
      problems.push({ path: formatPath([i, ...issue.path]), message: line ? `${issue.message} (line ${line})` : issue.message });
    }
  });

  if (problems.length > 0) throw new SloDocumentError(file, problems);
  return { slos };
}

/** The document as plain data; an alias bomb becomes a document error instead of a throw. */
function toJS(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    doc.errors.push(new YAMLParseError([0, 0], "BAD_ALIAS", err instanceof Error ? err.message : String(err)));
    return undefined;
  }
}

function mapDocument(raw: unknown, issues: Issue[]): SloConfig | undefined {
  if (!isObj(raw)) {
    issues.push({ path: [], message: "expected an OpenSLO document: a mapping with apiVersion, kind, metadata and spec" });
    return undefined;
  }
  if (raw.apiVersion !== "openslo/v1") {
    issues.push({
      path: ["apiVersion"],
      message: raw.apiVersion === undefined ? "apiVersion is required: openslo/v1" : `apiVersion ${q(raw.apiVersion)} is not supported: use openslo/v1`,
    });
    return undefined;
  }
  if (raw.kind !== "SLO") {
    issues.push({
      path: ["kind"],
      message:
        raw.kind === undefined
          ? "kind is required: SLO"
          : raw.kind === "SLI"
            ? 'kind "SLI" is not supported: indicatorRef not supported, inline the indicator in the SLO\'s spec.indicator'
            : `kind ${q(raw.kind)} is not supported: only kind: SLO documents are read`,
    });
    return undefined;
  }

  const metadata = isObj(raw.metadata) ? raw.metadata : undefined;
  if (!metadata || typeof metadata.name !== "string") {
    issues.push({ path: ["metadata", "name"], message: "metadata.name is required (it becomes the SLO id)" });
  }
  const spec = raw.spec;
  if (!isObj(spec)) {
    issues.push({ path: ["spec"], message: "spec is required" });
    return undefined;
  }
  for (const key of Object.keys(spec)) {
    if (key === "alertPolicies") {
      issues.push({ path: ["spec", key], message: "alertPolicies are not supported: War Room alerts on every SLO with multiwindow burn rates; remove spec.alertPolicies" });
    } else if (!SPEC_KEYS.includes(key)) {
      issues.push({ path: ["spec", key], message: `unknown field ${q(key)}` });
    }
  }
  if (typeof spec.service !== "string") issues.push({ path: ["spec", "service"], message: "spec.service is required" });

  checkBudgeting(spec.budgetingMethod, issues);
  const window = mapTimeWindow(spec.timeWindow, issues);
  const objective = singleObjective(spec.objectives, issues);
  const sli = mapIndicator(spec, objective, metadata, issues);
  const target = objective ? mapTarget(objective, issues) : undefined;

  if (issues.length > 0 || !metadata || !sli || target === undefined || !window) return undefined;

  const candidate = {
    id: metadata.name,
    service: spec.service,
    ...(typeof metadata.displayName === "string" ? { name: metadata.displayName } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    sli,
    target,
    window,
  };
  const r = SloSchema.safeParse(candidate);
  if (!r.success) {
    for (const i of r.error.issues) issues.push({ path: openSloPath(i.path, objective), message: i.message });
    return undefined;
  }
  return r.data;
}


/** Where a field of our SLO came from in the OpenSLO document. */
function openSloPath(path: readonly PropertyKey[], objective: Obj | undefined): Path {
  const objectivePath: Path = ["spec", "objectives", 0];
  switch (path[0]) {
    case "id":
      return ["metadata", "name"];
    case "name":
      return ["metadata", "displayName"];
    case "service":
      return ["spec", "service"];
    case "description":
      return ["spec", "description"];
    case "target":
      return [...objectivePath, objective?.targetPercent !== undefined ? "targetPercent" : "target"];
    case "window":
      return ["spec", "timeWindow", 0];
    case "sli":
      return path[1] === "thresholdMs" ? [...objectivePath, "value"] : ["spec", "indicator"];
    default:
      return ["spec"];
  }
}

/** 1-based line of the deepest node on `path` that exists in the document. */
function lineOf(doc: Document, path: Path, lines: LineCounter): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return undefined;
}
