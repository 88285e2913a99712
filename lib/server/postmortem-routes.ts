import type { HttpApi } from "./http";
import { writerOf } from "./incident-routes";
import { z } from "zod";
import { CreatePostmortemSchema, PatchPostmortemSchema, PostmortemSchema, TemplateListSchema } from "../postmortems/contract";
import { IncidentSchema } from "../incidents/contract";
import { createPostmortem, exportPostmortem, patchPostmortem, readPostmortem, type PostmortemCtx } from "../postmortems/service";

const postmortemBody = z.object({ postmortem: PostmortemSchema });

/** Postmortem routes (docs/api.md): thin adapters over lib/postmortems/service.ts. */
export function addPostmortemRoutes(api: HttpApi, pm: PostmortemCtx): void {

  api.add("GET", "/api/v1/postmortem-templates", () => ({
    body: {
      templates: pm.templates().map((t) => ({ name: t.name, title: t.title, description: t.description, builtIn: t.builtIn, placeholders: t.placeholders, needsEndTime: t.needsEndTime })),
      invalid: pm.invalidTemplates(),
    },
  }), { summary: "Postmortem templates (built-in and team) and team template files that failed validation", response: TemplateListSchema });

  api.add("POST", "/api/v1/incidents/:id/postmortem", async (req) => ({
    status: 201,
    body: { postmortem: await createPostmortem({ pm, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }), {
    summary: "Draft the postmortem from the incident with a template; impact computed from the recorded metrics",
    author: true,
    body: CreatePostmortemSchema,
    bodyOptional: true,
    status: 201,
    response: postmortemBody,
    errors: {
      400: "Unknown or invalid template; the template needs an end time and the incident is not resolved (details.code needs_end_time lists the placeholders)",
      404: "No such incident",
      409: "The incident already has a postmortem",
    },
  });

  api.add("GET", "/api/v1/incidents/:id/postmortem", async ({ params }) => ({ body: { postmortem: await readPostmortem({ pm, incidentId: params.id }) } }), {
    summary: "The postmortem of an incident",
    response: postmortemBody,
    errors: { 404: "No incident or no postmortem yet" },
  });

  api.add("PATCH", "/api/v1/incidents/:id/postmortem", async (req) => ({
    body: await patchPostmortem({ pm, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }),
  }), {
    summary: "Save an edit and/or change the review state (draft, in-review, published); compare-and-set on version",
    description: "A stale `version` is a 409 whose details.current is the stored postmortem. Publishing needs a resolved incident and closes it in the same transaction (the body's status line then says closed); a published postmortem is read-only. Publishing a body whose sections still hold the template's prompt text is a 409 naming them unless `confirm` is true.",
    author: true,
    body: PatchPostmortemSchema,
    response: z.object({ postmortem: PostmortemSchema, incident: IncidentSchema.nullable() }),
    errors: {
      400: "Invalid change",
      404: "No incident or no postmortem",
      409: "Stale version, published postmortem, an open incident on publish, or (details.code placeholder_text, details.sections) sections still holding the template's prompt text: publish with confirm: true to publish anyway",
      413: "Body over 1 MiB",
    },
  });

  api.add("GET", "/api/v1/incidents/:id/postmortem.md", async ({ params }) => {
    const { filename, markdown } = await exportPostmortem({ pm, incidentId: params.id });
    return { text: markdown, headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${filename}"` } };
  }, { summary: "The postmortem as a Markdown file (Content-Disposition: attachment)", produces: "text/markdown", errors: { 404: "No incident or no postmortem" } });
}
