#!/usr/bin/env node
// Finds import cycles between folders of a source tree (default: every package's src/).
// At each directory the nodes are its subfolders (with everything inside them) and its own files
// (each on its own), so a folder may import a shared file beside it unless that file imports back.
// Usage: node scripts/check-folder-cycles.mjs [dir ...]   exit status 1 when a cycle is found.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_EXTENSIONS = ['.ts', '.mts', '.tsx'];
/** `import … from './x'`, `export … from './x'`, `import './x'`, `import('./x')`. */
const IMPORT_PATTERN =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*|\.{1,2})\1/g;

function listSourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(path));
    else if (
      SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext)) &&
      !entry.name.endsWith('.d.ts')
    )
      files.push(path);
  }
  return files;
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names: `./x`, `./x.js`, `./x.ts` or `./x/index.ts`. */
function resolveSpecifier(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const stem = base.replace(/\.(?:m?js|jsx)$/, '');
  const candidates = [
    base,
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => join(base, `index${ext}`)),
  ];
  return candidates.find(isFile);
}

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every relative import edge between files under `root`: [{ from, to }] as root-relative paths. */
export function importEdges(root) {
  const edges = [];
  for (const file of listSourceFiles(root)) {
    const source = stripComments(readFileSync(file, 'utf8'));
    for (const match of source.matchAll(IMPORT_PATTERN)) {
      const target = resolveSpecifier(file, match[2]);
      if (target === undefined || !target.startsWith(root + sep)) continue;
      edges.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return edges;
}

/** The node a file is at the level of directory `dir` ('' = root): its subfolder or the file. */
function nodeAt(dir, file) {
  const rest = dir === '' ? file : file.slice(dir.length + 1);
  const slash = rest.indexOf('/');
  return slash === -1 ? rest : `${rest.slice(0, slash)}/`;
}

/** Strongly connected components of a graph (Tarjan), only those with more than one node. */
function cyclicComponents(nodes, adjacency) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of adjacency.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

/**
 * Folder cycles under `root`: for every directory, the cyclic groups among its subfolders and files
 * that contain at least one folder, each with the file imports that make it.
 */
export function findFolderCycles(root) {
  const absoluteRoot = resolve(root);
  const edges = importEdges(absoluteRoot).map(({ from, to }) => ({
    from: from.split(sep).join('/'),
    to: to.split(sep).join('/'),
  }));
  const directories = new Set(['']);
  for (const { from } of edges) {
    const parts = from.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i += 1) directories.add(parts.slice(0, i).join('/'));
  }
  const cycles = [];
  for (const dir of [...directories].sort()) {
    const inside = (file) => dir === '' || file.startsWith(`${dir}/`);
    const levelEdges = edges
      .filter(({ from, to }) => inside(from) && inside(to))
      .map((edge) => ({ ...edge, a: nodeAt(dir, edge.from), b: nodeAt(dir, edge.to) }))
      .filter(({ a, b }) => a !== b);
    const adjacency = new Map();
    for (const { a, b } of levelEdges) {
      if (!adjacency.has(a)) adjacency.set(a, new Set());
      adjacency.get(a).add(b);
    }
    for (const component of cyclicComponents([...adjacency.keys()], adjacency)) {
      if (!component.some((node) => node.endsWith('/'))) continue;
      const members = new Set(component);
      cycles.push({
        directory: dir === '' ? '.' : dir,
        nodes: component,
        imports: levelEdges
          .filter(({ a, b }) => members.has(a) && members.has(b))
          .map(({ from, to }) => `${from} -> ${to}`),
      });
    }
  }
  return cycles;
}

function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  const repo = join(here, '..');
  const args = process.argv.slice(2);
  const roots =
    args.length > 0
      ? args
      : ['packages/sdk/src', 'packages/server/src', 'packages/cli/src'].map((p) => join(repo, p));
  let found = 0;
  for (const root of roots) {
    const cycles = findFolderCycles(root);
    found += cycles.length;
    const name = relative(process.cwd(), resolve(root)) || '.';
    if (cycles.length === 0) {
      console.log(`${name}: no folder cycle`);
      continue;
    }
    for (const cycle of cycles) {
      console.log(`${name}: cycle in ${cycle.directory}/ between ${cycle.nodes.join(', ')}`);
      for (const line of cycle.imports) console.log(`    ${line}`);
    }
  }
  process.exitCode = found > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main();
