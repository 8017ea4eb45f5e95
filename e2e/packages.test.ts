/**
 * @module e2e/packages
 * What npm would publish, checked on `npm pack --dry-run`: each package carries the LICENSE, its
 * repository, homepage and bugs fields; every relative link (and #anchor) in a packed Markdown file
 * resolves inside the package (so no README link is dead on npm); `engines` agree with the
 * READMEs; a bin is a committed file, recorded as such in package-lock.json (npm links bins from
 * the lock, so `npx pushwire` works right after `npm install`); publint is clean in strict mode.
 * Needs the packages built (`npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPOSITORY = 'https://github.com/pushwire/pushwire';

interface Manifest {
  name: string;
  license?: string;
  homepage?: string;
  repository?: { type?: string; url?: string; directory?: string };
  bugs?: { url?: string };
  engines?: { node?: string };
  dependencies?: Record<string, string>;
}

const rootManifest = readJson(join(ROOT, 'package.json')) as Manifest & { workspaces: string[] };
/** The published workspaces (test-support is private: never packed). */
const WORKSPACES = rootManifest.workspaces.filter(
  (workspace) =>
    (readJson(join(ROOT, workspace, 'package.json')) as { private?: boolean }).private !== true,
);

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The paths `npm pack` would put in the tarball (relative to the package). */
function packedFiles(dir: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(output) as [{ files: { path: string }[] }];
  return packed.files.map((file) => file.path);
}

/** Markdown without fenced code blocks and inline code (links there are not links). */
function proseOf(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Link targets: inline `[text](target)` and reference definitions `[label]: target`. */
function linksOf(markdown: string): string[] {
  const prose = proseOf(markdown);
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)];
  return [...inline, ...references].map((match) => match[1] ?? '');
}

/** The anchors GitHub and npm give a Markdown file's headings. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const code = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm;
  for (const [, heading] of markdown.replace(code, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (heading ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** Every link in the packed Markdown files that does not resolve inside the tarball. */
function deadLinks(dir: string, files: readonly string[]): string[] {
  const packed = new Set(files);
  const dead: string[] = [];
  for (const file of files.filter((path) => path.endsWith('.md'))) {
    const markdown = readFileSync(join(dir, file), 'utf8');
    for (const link of linksOf(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:, ...
      const [path = '', anchor] = link.split('#', 2);
      const target = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
      if (!packed.has(target)) {
        dead.push(`${file}: ${link} (${target} is not in the package)`);
        continue;
      }
      if (anchor === undefined || !target.endsWith('.md')) continue;
      const anchors = anchorsOf(readFileSync(join(dir, target), 'utf8'));
      if (!anchors.has(decodeURIComponent(anchor))) {
        dead.push(`${file}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
  }
  return dead;
}

beforeAll(() => {
  for (const workspace of WORKSPACES) {
    if (!existsSync(join(ROOT, workspace, 'dist'))) {
      throw new Error(
        `${workspace}/dist is missing: publint checks the built packages (npm run build)`,
      );
    }
  }
});

describe('the repository', () => {
  it('has an MIT LICENSE and ignores .test-results/', () => {
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} the pushwire authors\n/,
    );
    const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('.test-results/');
  });

  it('states the Node requirement of engines in its README', () => {
    const version = /^>=(\d+\.\d+)$/.exec(rootManifest.engines?.node ?? '')?.[1];
    expect(version).toBeDefined();
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node.js ${version} or later`);
  });
});

describe.each(WORKSPACES)('the %s package', (workspace) => {
  const dir = join(ROOT, workspace);
  const manifest = readJson(join(dir, 'package.json')) as Manifest;
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');

  it('packs its README, the LICENSE, and no link that is dead on npm', () => {
    const files = packedFiles(dir);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'LICENSE'), 'utf8'),
    );
    expect(deadLinks(dir, files)).toEqual([]);
  });

  it('has its bin recorded as is in package-lock.json (npm links bins from the lock)', () => {
    const lock = readJson(join(ROOT, 'package-lock.json')) as {
      packages: Record<string, { bin?: Record<string, string> }>;
    };
    const declared = (readJson(join(dir, 'package.json')) as { bin?: Record<string, string> }).bin;
    const normalized =
      declared === undefined
        ? undefined
        : Object.fromEntries(
            Object.entries(declared).map(([name, path]) => [name, posix.normalize(path)]),
          );
    expect(lock.packages[workspace]?.bin).toEqual(normalized);
    for (const path of Object.values(normalized ?? {})) {
      // Present before any build, so that `npm install` links it in a fresh checkout.
      expect(path.startsWith('dist/'), path).toBe(false);
      expect(existsSync(join(dir, path)), path).toBe(true);
    }
  });

  it('names its license, repository, homepage and bug tracker', () => {
    expect(manifest).toMatchObject({
      license: 'MIT',
      repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: workspace },
      homepage: `${REPOSITORY}/tree/main/${workspace}#readme`,
      bugs: { url: `${REPOSITORY}/issues` },
    });
  });

  it('has the engines of the repository, as its README says', () => {
    expect(manifest.engines?.node).toBe(rootManifest.engines?.node);
    const version = /^>=(\d+\.\d+)$/.exec(manifest.engines?.node ?? '')?.[1];
    expect(readme).toMatch(new RegExp(`Node(?:\\.js)? ${version?.replace('.', '\\.')}`));
  });

  it('is clean under publint --strict', async () => {
    const { messages, pkg } = await publint({ pkgDir: dir, pack: 'npm', strict: true });
    expect(messages.map((message) => formatMessage(message, pkg, { color: false }))).toEqual([]);
  });
});

// The workspace packages depend on each other at the version they are published together with.
it('pins workspace dependencies to the workspace versions', () => {
  const versions = new Map(
    WORKSPACES.map((workspace) => {
      const manifest = readJson(join(ROOT, workspace, 'package.json')) as Manifest & {
        version: string;
      };
      return [manifest.name, manifest.version] as const;
    }),
  );
  for (const workspace of WORKSPACES) {
    const manifest = readJson(join(ROOT, workspace, 'package.json')) as Manifest;
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (versions.has(name)) expect({ name, range }).toEqual({ name, range: versions.get(name) });
    }
  }
});
