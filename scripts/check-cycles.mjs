// Fails on any import cycle under lib/: between two files, or between two folders (lib/<folder>/…).
// The allowed direction of imports is kept by the layer rule in eslint.config.mjs; this check also
// catches cycles that rule would let through (e.g. across files it does not see). Run by `npm run lint`.
import madge from "madge";

const res = await madge("lib", { fileExtensions: ["ts"], tsConfig: "tsconfig.json", detectiveOptions: { ts: { skipTypeImports: false } } });
const graph = res.obj();
const folderOf = (file) => (file.includes("/") ? file.split("/")[0] : "(lib root)");

const problems = [];
for (const cycle of res.circular()) problems.push(`file cycle: ${[...cycle, cycle[0]].join(" → ")}`);

const edges = new Map(); // folder → Map(folder → example "from → to")
for (const [from, deps] of Object.entries(graph)) {
  for (const to of deps) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    if (!edges.get(a).has(b)) edges.get(a).set(b, `${from} → ${to}`);
  }
}

// Tarjan's strongly connected components over folders: any component of two or more is a cycle.
let index = 0;
const stack = [];
const meta = new Map();
const components = [];
const visit = (v) => {
  meta.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!meta.has(w)) {
      visit(w);
      meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).low);
    } else if (meta.get(w).onStack) meta.get(v).low = Math.min(meta.get(v).low, meta.get(w).index);
  }
  if (meta.get(v).low === meta.get(v).index) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      meta.get(w).onStack = false;
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) components.push(comp);
  }
};
for (const v of new Set([...Object.keys(graph).map(folderOf)])) if (!meta.has(v)) visit(v);
for (const comp of components) {
  const inComp = new Set(comp);
  const examples = comp.flatMap((a) => [...(edges.get(a) ?? new Map())].filter(([b]) => inComp.has(b)).map(([, ex]) => `    ${ex}`));
  problems.push(`folder cycle between lib/${comp.sort().join(", lib/")}:\n${examples.join("\n")}`);
}

if (problems.length) {
  console.error(`import cycles under lib/ (docs/architecture.md: imports point down):\n${problems.join("\n")}`);
  process.exit(1);
}
console.log(`no import cycles: ${Object.keys(graph).length} files, ${edges.size} folders with imports`);
