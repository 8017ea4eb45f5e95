/**
 * @module test/structure-folders
 * No import cycle between folders of any package's src/ (scripts/check-folder-cycles.mjs), and the
 * check itself reports a cycle when there is one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = join(REPO, 'scripts', 'check-folder-cycles.mjs');

function check(...roots: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [SCRIPT, ...roots], { cwd: REPO, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('folder structure', () => {
  it.each(['packages/server/src', 'packages/sdk/src', 'packages/cli/src'])(
    '%s has no import cycle between folders',
    (root) => {
      const result = check(root);
      expect(result.output).toBe(`${root}: no folder cycle\n`);
      expect(result.status).toBe(0);
    },
  );

  it('reports two folders that import each other, and a folder cycle through a shared file', () => {
    const root = mkdtempSync(join(tmpdir(), 'pushwire-cycles-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    const write = (path: string, text: string) => {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('a/one.ts', "import { two } from '../b/two';\nexport const one = two;\n");
    write('b/two.ts', "import type { One } from '../a/types';\nexport const two = 2;\n");
    write('a/types.ts', 'export type One = 1;\n');
    // c/ imports the shared root file, which imports nothing back: not a cycle.
    write('shared.ts', 'export const shared = 0;\n');
    write('c/three.ts', "export { shared } from '../shared';\n");
    // d/ and the root file main.ts import each other: a cycle.
    write('main.ts', "import { four } from './d/four';\nexport const main = four;\n");
    write('d/four.ts', "import {\n  main,\n} from '../main';\nexport const four = 4;\n");
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.output).toContain('between a/, b/');
    expect(result.output).toContain('a/one.ts -> b/two.ts');
    expect(result.output).toContain('b/two.ts -> a/types.ts');
    expect(result.output).toContain('between d/, main.ts');
    expect(result.output).not.toContain('c/');
  });
});
