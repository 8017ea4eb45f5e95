/**
 * The nesting bound checked before JSON.parse: brackets inside strings (escaped quotes included)
 * never count, the envelope is level 1, and the result matches the real depth of parsed texts.
 */
import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../src/protocol/json-depth';

/** The real nesting depth of a parsed JSON value (objects and arrays). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays, the outermost as level 1', () => {
    expect(exceedsJsonDepth('{"a":[1]}', 2)).toBe(false);
    expect(exceedsJsonDepth('{"a":[1]}', 1)).toBe(true);
    expect(exceedsJsonDepth('"no brackets"', 0)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[{{{{', b: 'say \\"[[[[\\" ok', c: '\\' });
    expect(exceedsJsonDepth(text, 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ a: '"[[[' }), 1)).toBe(false);
  });

  it('agrees with the parsed depth on many sibling structures (the slow path)', () => {
    const texts = [
      JSON.stringify(Array.from({ length: 50 }, () => [[{ a: [1] }]])),
      JSON.stringify({ deep: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`), s: '{[' }),
      JSON.stringify([{ a: { b: { c: [[], {}, '}}]]'] } } }, [[[[['x']]]]]]),
    ];
    for (const text of texts) {
      const depth = depthOf(JSON.parse(text));
      expect(exceedsJsonDepth(text, depth)).toBe(false);
      expect(exceedsJsonDepth(text, depth - 1)).toBe(true);
    }
  });
});
