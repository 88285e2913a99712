import type { Logger } from "../log";
import { BUILT_IN_TEMPLATES, loadTemplateDir, type InvalidTemplate, type PostmortemTemplate } from "./templates";

/** The built-in templates plus the team templates of the configured folder (bad files are listed, the others serve). */
export class TemplateLibrary {
  private readonly dir: string | undefined;
  private readonly logger: Logger;
  private team: PostmortemTemplate[] = [];
  private bad: InvalidTemplate[] = [];

  constructor(opts: { dir?: string; logger: Logger }) {
    this.dir = opts.dir;
    this.logger = opts.logger;
  }

  async load(): Promise<void> {
    if (!this.dir) return;
    const dir = await loadTemplateDir(this.dir);
    this.team = dir.templates;
    this.bad = dir.invalid;
    for (const bad of dir.invalid) this.logger.warn({ file: bad.file, problems: bad.errors.map((e) => e.message) }, "invalid postmortem template");
  }

  all(): readonly PostmortemTemplate[] {
    return [...BUILT_IN_TEMPLATES, ...this.team];
  }

  /** Team template files that failed validation, with file:line reasons. */
  invalid(): readonly InvalidTemplate[] {
    return this.bad;
  }
}
