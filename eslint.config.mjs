import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["node_modules/", ".next/", "data/", "test-results/", "playwright-report/", "next-env.d.ts", "bench/**/_scratch/"] },
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
  {
    // Domain logic never imports transport or UI (CONVENTIONS.md).
    files: ["lib/**/*.ts"],
    ignores: ["lib/server/**", "lib/store/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "ws", message: "lib/<domain> must not import transport; put adapters in lib/server" },
            { name: "react", message: "lib/<domain> holds no React; UI goes in components/" },
            { name: "react-dom", message: "lib/<domain> holds no React" },
          ],
          patterns: [{ group: ["next", "next/*"], message: "lib/<domain> must not import next" }],
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
