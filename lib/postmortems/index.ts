/** Postmortems (docs/api.md "Postmortems"): impact arithmetic, templates and draft rendering. Pure except loadTemplateDir (reads files). */
export * from "./impact";
export * from "./templates";
export * from "./render";
