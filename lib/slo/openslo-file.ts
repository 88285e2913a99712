import { readFileSync } from "node:fs";
import { parseOpenSlo, SloDocumentError } from "./openslo";
import type { SloConfig } from "./schema";

/** Read and parse one OpenSLO file named in the config. Throws SloDocumentError (also when unreadable). */
export function loadOpenSloFile(path: string): { slos: SloConfig[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new SloDocumentError(path, [{ path: "(file)", message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }]);
  }
  return parseOpenSlo(text, path);
}
