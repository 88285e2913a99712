import { z } from "zod";

/** Small builders shared by the parts of the OpenAPI document. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: object, description = "OK") => ({ description, content: { "application/json": { schema } } });
/** A response carrying the `{"error": {code, message, details}}` body. */
export const err = (description: string) => json(ref("Error"), description);
/** JSON Schema of what a zod schema accepts as input (defaults make fields optional). */
export const input = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
