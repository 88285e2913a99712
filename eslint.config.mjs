import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

/**
 * Imports point down (docs/architecture.md). Each folder of lib/ may import the files at lib/'s
 * root (errors, log, time, severity, jobs) and the folders listed before it, never one after it;
 * scripts/check-cycles.mjs fails on any cycle besides. Domains never import transport or UI.
 */
const LAYERS = ["store", "live", "cluster", "auth", "markdown", "drills", "signals", "alerts", "slo", "simulator", "sources", "runbooks", "incidents", "postmortems", "ingest", "notifications", "comms", "config", "server"];
const TRANSPORT = {
  paths: [
    { name: "ws", message: "lib/<domain> must not import transport; put adapters in lib/server" },
    { name: "react", message: "lib/<domain> holds no React; UI goes in components/" },
    { name: "react-dom", message: "lib/<domain> holds no React" },
  ],
  patterns: [{ group: ["next", "next/*"], message: "lib/<domain> must not import next" }],
};

function layerRules() {
  const blocks = [];
  LAYERS.forEach((folder, i) => {
    const above = LAYERS.slice(i + 1);
    // Relative specifiers climb one "../" per level of nesting to reach lib/; one block per depth keeps the match exact.
    for (let depth = 1; depth <= 4; depth++) {
      const up = "\\.\\./".repeat(depth);
      const patterns = above.length
        ? [{ regex: `^(${up}|@/lib/)(${above.join("|")})(/|$)`, message: `lib/${folder} sits below ${above.map((a) => `lib/${a}`).join(", ")}: imports point down (docs/architecture.md)` }]
        : [];
      const transport = folder === "server" ? { paths: [], patterns: [] } : TRANSPORT;
      if (!patterns.length && folder === "server") continue;
      blocks.push({
        files: [`lib/${folder}/${"*/".repeat(depth - 1)}*.ts`],
        rules: { "no-restricted-imports": ["error", { paths: transport.paths, patterns: [...transport.patterns, ...patterns] }] },
      });
    }
  });
  blocks.push({
    files: ["lib/*.ts"],
    rules: { "no-restricted-imports": ["error", { ...TRANSPORT, patterns: [...TRANSPORT.patterns, { regex: `^\\./(${LAYERS.join("|")})(/|$)`, message: "the files at lib/'s root sit below every folder" }] }] },
  });
  return blocks;
}

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", ".build/", "data/", "test-results/", "playwright-report/", "next-env.d.ts", "bench/**/_scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    files: ["app/**/*.tsx", "components/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  ...layerRules(),
  {
    // The browser gets types and pure helpers from lib/, never the server, the store or a repository.
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^(@/lib|(\\.\\./)+lib)/(server|store)(/|$)", message: "UI code must not import lib/server or lib/store (server-only)" },
            { regex: "^(@/lib|(\\.\\./)+lib)/[a-z-]+/repo(\\.ts)?$", message: "UI code must not import a repository (SQL)" },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["scripts/**", "bench/**", "server.ts", "e2e/**", ".ci/**"],
    rules: { "no-console": "off" },
  },
);
