// eslint for the handbook's own browser scripts (overrides/assets/javascripts): `make lint-js`.
// Plain ES2017 scripts (no modules, no build step), each an IIFE that talks to others through
// window.hb. The rules are ESLint's own core rules, listed here so nothing else needs installing.
const browser = Object.fromEntries([
  "window", "document", "location", "navigator", "console", "setTimeout", "clearTimeout",
  "requestAnimationFrame", "URL", "URLSearchParams", "Blob", "FileReader", "TextEncoder",
  "Uint8Array", "Uint32Array", "DataView",
].map((name) => [name, "readonly"]));

export default [
  {
    files: ["overrides/assets/javascripts/**/*.js"],
    languageOptions: { ecmaVersion: 2017, sourceType: "script", globals: browser },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "no-redeclare": "error",
      "no-shadow-restricted-names": "error",
      "no-dupe-keys": "error",
      "no-duplicate-case": "error",
      "no-unreachable": "error",
      "no-empty": ["error", { allowEmptyCatch: true }],
      "no-implicit-globals": "error",
      "no-global-assign": "error",
      "no-self-assign": "error",
      "no-self-compare": "error",
      "no-unsafe-finally": "error",
      "no-unsafe-negation": "error",
      "no-cond-assign": ["error", "except-parens"],
      "no-constant-condition": "error",
      "no-func-assign": "error",
      "no-inner-declarations": "off",
      "use-isnan": "error",
      "valid-typeof": "error",
      "eqeqeq": ["error", "always"],
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-script-url": "error",
      "strict": ["error", "function"],
    },
  },
];
