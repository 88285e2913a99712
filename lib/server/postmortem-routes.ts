import type { HttpApi } from "./http";
import { writerOf } from "./incident-routes";
import { createPostmortem, exportPostmortem, patchPostmortem, readPostmortem, type PostmortemCtx } from "../postmortems/service";

/** Postmortem routes (docs/api.md): thin adapters over lib/postmortems/service.ts. */
export function addPostmortemRoutes(api: HttpApi, pm: PostmortemCtx): void {

  api.add("GET", "/api/v1/postmortem-templates", () => ({
    body: {
      templates: pm.templates().map((t) => ({ name: t.name, title: t.title, description: t.description, builtIn: t.builtIn, placeholders: t.placeholders, needsEndTime: t.needsEndTime })),
      invalid: pm.invalidTemplates(),
    },
  }));

  api.add("POST", "/api/v1/incidents/:id/postmortem", async (req) => ({
    status: 201,
    body: { postmortem: await createPostmortem({ pm, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }) },
  }));

  api.add("GET", "/api/v1/incidents/:id/postmortem", async ({ params }) => ({ body: { postmortem: await readPostmortem({ pm, incidentId: params.id }) } }));

  api.add("PATCH", "/api/v1/incidents/:id/postmortem", async (req) => ({
    body: await patchPostmortem({ pm, incidentId: req.params.id, input: await req.body(), writer: writerOf(req) }),
  }));

  api.add("GET", "/api/v1/incidents/:id/postmortem.md", async ({ params }) => {
    const { filename, markdown } = await exportPostmortem({ pm, incidentId: params.id });
    return { text: markdown, headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${filename}"` } };
  });
}
