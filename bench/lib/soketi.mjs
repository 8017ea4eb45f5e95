/**
 * @module bench/lib/soketi
 * soketi 1.6.1, the benchmark's outside peer, installed on demand into a cache directory under
 * the system temp dir (never a dependency of ours). Its uWebSockets.js dependency resolves through
 * an npm `overrides` entry to `@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0`, an
 * unverified repackaging of upstream binaries: fine for a benchmark peer, nothing more.
 * `prepareSoketi()` resolves to `{ serverScript }` or `{ skipped: reason }`; it never throws.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOKETI_VERSION = '1.6.1';
const UWS_OVERRIDE = 'npm:@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0';
const INSTALL_TIMEOUT_MS = 300_000;

export async function prepareSoketi() {
  if (process.env.BENCH_SOKETI === '0') return { skipped: 'BENCH_SOKETI=0' };
  const dir =
    process.env.BENCH_SOKETI_DIR ?? join(tmpdir(), `pushwire-bench-soketi-${SOKETI_VERSION}`);
  const serverScript = join(dir, 'node_modules', '@soketi', 'soketi', 'bin', 'server.js');
  if (existsSync(serverScript)) return { serverScript };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'pushwire-bench-soketi',
        private: true,
        dependencies: { '@soketi/soketi': SOKETI_VERSION },
        overrides: { 'uWebSockets.js': UWS_OVERRIDE },
      }),
    );
    console.log(`installing soketi ${SOKETI_VERSION} into ${dir} (once)...`);
    await new Promise((resolve, reject) => {
      execFile(
        'npm',
        ['install', '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: dir, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (error, _stdout, stderr) => {
          if (error) reject(new Error(`npm install failed: ${lastLines(stderr || String(error))}`));
          else resolve();
        },
      );
    });
    if (!existsSync(serverScript))
      return { skipped: `npm install did not produce ${serverScript}` };
    return { serverScript };
  } catch (error) {
    return { skipped: error.message };
  }
}

function lastLines(text, count = 3) {
  return text.trim().split('\n').slice(-count).join(' | ');
}
