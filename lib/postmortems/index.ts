/** Postmortems (SPEC §6): impact arithmetic, templates and draft rendering. Pure except loadTemplateDir (reads files). */
export * from "./impact";
export * from "./templates";
export * from "./render";
