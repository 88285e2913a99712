import { describe, expect, it } from "vitest";
import { BUILT_IN_TEMPLATES, parseTemplate } from "./templates";
import { sectionsWithPromptText, templatePrompts, withStatusLine } from "./placeholder-text";

const template = (source: string) => {
  const r = parseTemplate("t", source);
  if (!r.ok) throw new Error(r.errors[0].message);
  return r.template;
};

describe("template prompt text left in a postmortem", () => {
  const t = template("# {{incident.title}}\n\n_Blameless: names no one._\n\n## Summary\n\n{{incident.summary}}\n\n_In two sentences: what happened?_\n\n## Detection\n\n_Detection took {{durations.mttd}}. Sooner?_\n\n## Lessons\n\n### What went well\n\n_What helped?_\n\n---\n\n_Generated on {{generated_at}}._\n");

  it("finds the prompts inside sections only (not the title block, not the footer after ---)", () => {
    expect(templatePrompts(t)).toHaveLength(3);
  });

  it("names the sections still holding a prompt, a filled placeholder inside one included", () => {
    const body = "# Outage\n\n_Blameless: names no one._\n\n## Summary\n\nCheckout failed.\n\n_In two sentences: what happened?_\n\n## Detection\n\n_Detection took 45s. Sooner?_\n\n## Lessons\n\n### What went well\n\nThe runbook.\n\n---\n\n_Generated on 2026-11-23T12:00Z._\n";
    expect(sectionsWithPromptText(body, t)).toEqual(["Summary", "Detection"]);
  });

  it("finds nothing once every prompt was replaced by text", () => {
    expect(sectionsWithPromptText("# Outage\n\n## Summary\n\nCheckout failed for 45 s.\n\n## Lessons\n\n### What went well\n\n_The runbook helped, a lot._\n", t)).toEqual([]);
  });

  it("names the nested section of the built-in template's lessons", () => {
    const def = BUILT_IN_TEMPLATES.find((x) => x.name === "default")!;
    const body = "## Root Cause\n\nA bad deploy.\n\n## Lessons Learned\n\n### What went well\n\n_Which tools, practices and decisions helped?_\n";
    expect(sectionsWithPromptText(body, def)).toEqual(["Lessons Learned › What went well"]);
  });

  it("rewrites the status line so the published text says closed", () => {
    expect(withStatusLine("| Severity | SEV2 |\n| Status | resolved |\n| Status of x | resolved |\n", "closed")).toBe("| Severity | SEV2 |\n| Status | closed |\n| Status of x | resolved |\n");
  });
});
