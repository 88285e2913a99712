import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILT_IN_TEMPLATES,
  END_TIME_PLACEHOLDERS,
  MAX_TEMPLATE_BYTES,
  PLACEHOLDERS,
  findTemplate,
  loadTemplateDir,
  parseTemplate,
  suggestPlaceholder,
} from "./templates";

describe("placeholder catalogue", () => {
  it("describes every placeholder and marks those needing an end time", () => {
    for (const [name, info] of Object.entries(PLACEHOLDERS)) {
      expect(name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/);
      expect(info.description.length).toBeGreaterThan(5);
    }
    expect(END_TIME_PLACEHOLDERS).toEqual(expect.arrayContaining(["times.resolved", "durations.mttr", "duration.total", "impact.table", "impact.summary", "slo.table"]));
    expect(END_TIME_PLACEHOLDERS).not.toContain("times.started");
    expect(END_TIME_PLACEHOLDERS).not.toContain("timeline.pinned");
  });

  it("suggests the nearest known name", () => {
    expect(suggestPlaceholder("incident.titel")).toBe("incident.title");
    expect(suggestPlaceholder("Incident.Title")).toBe("incident.title");
    expect(suggestPlaceholder("title")).toBe("incident.title");
    expect(suggestPlaceholder("durations.mtr")).toBe("durations.mttr");
    expect(suggestPlaceholder("action-items.table")).toBe("action_items.table");
    expect(suggestPlaceholder("completely.unrelated.thing")).toBeUndefined();
  });
});

describe("parseTemplate", () => {
  it("finds placeholders, tolerating whitespace inside the braces", () => {
    const r = parseTemplate("t", "# {{incident.title}}\n\nAt {{ times.started }} / {{\ttimes.resolved\t}} and {{incident.title}}.\n");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.template.placeholders).toEqual(["incident.title", "times.started", "times.resolved"]);
    expect(r.template.needsEndTime).toEqual(["times.resolved"]);
    expect(r.template.segments[1]).toEqual({ kind: "placeholder", name: "incident.title", line: 1, column: 3 });
    expect(r.template.segments.find((s) => s.kind === "placeholder" && s.name === "times.started")).toMatchObject({ line: 3, column: 4 });
    expect(r.template.title).toBe("t");
    expect(r.template.builtIn).toBe(false);
  });

  it("reports an unknown placeholder with file, line, column and a suggestion", () => {
    const source = "# Review\n\nTitle: {{incident.title}}\nSeverity: {{ incident.severty }}\n";
    const r = parseTemplate("team", source, "team.md");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      {
        code: "unknown_placeholder",
        file: "team.md",
        line: 4,
        column: 11,
        placeholder: "incident.severty",
        suggestion: "incident.severity",
        message: "team.md:4:11: unknown placeholder {{incident.severty}}; did you mean {{incident.severity}}?",
      },
    ]);
  });

  it("reports every problem, counting lines of the front matter, and no suggestion when nothing is close", () => {
    const source = "---\ntitle: Team\n---\n\nline 5 {{nope.nothing.like.it}}\n{{incident.title\n{{ Incident Title }}\n";
    const r = parseTemplate("team", source, "dir/team.md");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.code, e.line, e.column])).toEqual([
      ["unknown_placeholder", 5, 8],
      ["malformed_placeholder", 6, 1],
      ["malformed_placeholder", 7, 1],
    ]);
    expect(r.errors[0].suggestion).toBeUndefined();
    expect(r.errors[0].message).toBe("dir/team.md:5:8: unknown placeholder {{nope.nothing.like.it}}; see the placeholder catalogue");
    expect(r.errors[1].message).toContain("unclosed {{");
    expect(r.errors[2].suggestion).toBe("incident.title");
  });

  it("reads title and description from front matter and drops it from the body", () => {
    const r = parseTemplate("team", "---\ntitle: Payments review\ndescription: For payments\n---\n\n# {{incident.title}}\n");
    expect(r.ok && r.template).toMatchObject({ title: "Payments review", description: "For payments" });
    if (r.ok) expect(r.template.segments[0]).toEqual({ kind: "text", text: "# " });
  });

  it("reports bad front matter at its line", () => {
    const unknownKey = parseTemplate("t", "---\ntitle: A\nowner: me\n---\nx\n", "t.md");
    expect(unknownKey.ok).toBe(false);
    if (!unknownKey.ok) expect(unknownKey.errors[0]).toMatchObject({ code: "front_matter", line: 3, column: 1 });
    const badYaml = parseTemplate("t", "---\ntitle: [unclosed\n---\nx\n", "t.md");
    expect(badYaml.ok).toBe(false);
    if (!badYaml.ok) expect(badYaml.errors[0].code).toBe("front_matter");
    const unclosed = parseTemplate("t", "---\ntitle: A\n", "t.md");
    expect(unclosed.ok).toBe(false);
  });

  it("points a YAML error in the front matter at its line in the file", () => {
    const r = parseTemplate("t", "---\ntitle: A\ndescription: B\ntitle: C\n---\nx\n", "t.md");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.message)).toEqual(["t.md:4:1: front matter is not valid YAML: Map keys must be unique"]);
  });

  it("supports \\{{ for literal braces", () => {
    const r = parseTemplate("t", "Use \\{{incident.title}} to insert {{incident.title}}");
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.template.segments).toEqual([{ kind: "text", text: "Use {{incident.title}} to insert " }, { kind: "placeholder", name: "incident.title", line: 1, column: 35 }]);
  });

  it("rejects an empty template", () => {
    const r = parseTemplate("t", "---\ntitle: A\n---\n\n  \n");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].code).toBe("empty");
  });
});

describe("built-in templates", () => {
  it("has a blameless default with the sections in order, and a short one", () => {
    expect(BUILT_IN_TEMPLATES.map((t) => t.name)).toEqual(["default", "short"]);
    const def = BUILT_IN_TEMPLATES[0];
    const text = def.segments.map((s) => (s.kind === "text" ? s.text : "")).join("");
    const headings = [...text.matchAll(/^(#{2,3}) (.+)$/gm)].map((m) => m[2]);
    expect(headings.filter((h) => !["Error budget", "Response"].includes(h))).toEqual([
      "Summary",
      "Impact",
      "Timeline",
      "Root Cause",
      "Trigger",
      "Resolution",
      "Detection",
      "Action Items",
      "Lessons Learned",
      "What went well",
      "What went wrong",
      "Where we got lucky",
    ]);
    expect(text).toMatch(/## Root Cause\n\n_.+_/);
    expect(def.placeholders).toEqual(expect.arrayContaining(["incident.title", "impact.table", "slo.table", "timeline.entries", "action_items.table", "roles.table"]));
    expect(def.builtIn).toBe(true);
  });

  it("finds templates by name, and explains an unknown one", () => {
    const team = parseTemplate("payments-team", "# {{incident.title}}\n");
    if (!team.ok) throw new Error("fixture");
    expect(findTemplate("short").ok).toBe(true);
    expect(findTemplate("payments-team", [team.template])).toMatchObject({ ok: true, template: { name: "payments-team" } });
    expect(findTemplate("nope", [team.template])).toEqual({
      ok: false,
      error: { code: "unknown_template", name: "nope", available: ["default", "short", "payments-team"], message: 'unknown postmortem template "nope": use one of default, short, payments-team' },
    });
  });
});

describe("loadTemplateDir", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pm-templates-"));
    await writeFile(join(dir, "ok.md"), "---\ntitle: OK\n---\n# {{incident.title}}\n{{timeline.pinned}}\n");
    await writeFile(join(dir, "bad.md"), "# {{incident.title}}\n\n{{impact.tabel}}\n");
    await writeFile(join(dir, "latin1.md"), Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));
    await writeFile(join(dir, "huge.md"), "x".repeat(MAX_TEMPLATE_BYTES + 1));
    await writeFile(join(dir, "short.md"), "# {{incident.title}}\n");
    await writeFile(join(dir, "has space.md"), "# {{incident.title}}\n");
    await writeFile(join(dir, "notes.txt"), "{{bad}}");
    await writeFile(join(dir, ".hidden.md"), "{{bad}}");
    await mkdir(join(dir, "sub.md"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the good files and lists each bad one with its reason", async () => {
    const r = await loadTemplateDir(dir);
    expect(r.templates.map((t) => [t.name, t.title, t.file])).toEqual([["ok", "OK", "ok.md"]]);
    const byFile = Object.fromEntries(r.invalid.map((i) => [i.file, i.errors]));
    expect(Object.keys(byFile).sort()).toEqual(["bad.md", "has space.md", "huge.md", "latin1.md", "short.md"]);
    expect(byFile["bad.md"][0]).toMatchObject({ code: "unknown_placeholder", line: 3, column: 1, suggestion: "impact.table", message: "bad.md:3:1: unknown placeholder {{impact.tabel}}; did you mean {{impact.table}}?" });
    expect(byFile["latin1.md"][0]).toMatchObject({ code: "not_utf8" });
    expect(byFile["huge.md"][0]).toMatchObject({ code: "too_large" });
    expect(byFile["huge.md"][0].message).toContain("256 KiB");
    expect(byFile["short.md"][0]).toMatchObject({ code: "shadows_built_in" });
    expect(byFile["has space.md"][0]).toMatchObject({ code: "bad_name" });
  });

  it("treats a missing folder as no team templates", async () => {
    expect(await loadTemplateDir(join(dir, "missing"))).toEqual({ templates: [], invalid: [] });
  });

  it("loads the sample team templates of the repository", async () => {
    const repoDir = join(import.meta.dirname, "../../postmortem-templates");
    const r = await loadTemplateDir(repoDir);
    expect(r.invalid).toEqual([]);
    const payments = r.templates.find((t) => t.name === "payments-team");
    expect(payments).toBeDefined();
    expect(payments!.title).toBe("Payments team postmortem");
    expect(payments!.placeholders.length).toBeGreaterThan(15);
    expect((await readFile(join(repoDir, "payments-team.md"), "utf8")).length).toBeGreaterThan(0);
  });
});
