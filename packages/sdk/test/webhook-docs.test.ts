/**
 * Item 8.12 (SDK part): `Webhook.isValid()` accepts replays unless given `maxAgeMs` (as the
 * official SDKs do), so every webhook recipe in the SDK's README and webhook guide passes it, and
 * the guide's runnable examples print what their comments say. Only a line that shows the default
 * on purpose (commented "without maxAgeMs") may leave it out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sdk from '../src/index';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const guide = readFileSync(new URL('../docs/webhooks.md', import.meta.url), 'utf8');

/** The fenced code blocks of a markdown text. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

const VERIFY_CALL = /\.(isValid|verify)\(/;
const MAX_AGE = /maxAge|MAX_WEBHOOK_AGE/;

describe('webhook docs', () => {
  it.each([
    ['README.md', readme],
    ['docs/webhooks.md', guide],
  ])('every isValid()/verify() call in %s passes maxAgeMs', (_name, markdown) => {
    const calls = codeBlocks(markdown)
      .flatMap((block) => block.split('\n'))
      .filter((line) => VERIFY_CALL.test(line));
    expect(calls.length).toBeGreaterThan(0);
    const without = calls.filter(
      (line) => !MAX_AGE.test(line) && !line.includes('without maxAgeMs'),
    );
    expect(without).toEqual([]);
  });

  it('says that replays are accepted by default', () => {
    expect(readme).toContain('Replays are accepted unless you pass `maxAgeMs`');
    expect(guide).toContain('Replays are accepted unless you pass `maxAgeMs`');
  });

  it('runs the self-contained guide examples; each logged boolean matches its comment', async () => {
    const runnable = codeBlocks(guide).filter((block) => {
      const imports = [...block.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      // Examples, not framework recipes (those export handlers or start servers).
      return (
        imports.every((from) => from === '@pushwire/sdk') &&
        block.includes('console.log') &&
        !/^export /m.test(block)
      );
    });
    expect(runnable.length).toBeGreaterThanOrEqual(4);
    const AsyncFunction = (async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    let checked = 0;
    for (const block of runnable) {
      const logged: unknown[] = [];
      const source = block
        .replace(/^import .* from '@pushwire\/sdk';$/gm, '')
        .replace("await import('node:crypto')", 'crypto');
      const run = new AsyncFunction(
        'sdk',
        'crypto',
        'console',
        `const { Pusher, WebhookError } = sdk;\n${source}`,
      );
      await run(sdk, await import('node:crypto'), {
        log: (value: unknown) => logged.push(value),
      });
      const expected = [...source.matchAll(/console\.log\(.*\); \/\/ (true|false)\b/g)].map(
        (match) => match[1] === 'true',
      );
      const booleans = logged.filter((value) => typeof value === 'boolean');
      expect(booleans).toEqual(expected);
      checked += expected.length;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
