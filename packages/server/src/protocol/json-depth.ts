/**
 * @module protocol/json-depth
 * A cheap bound on the nesting depth of a JSON text, checked before `JSON.parse`: parsing deeply
 * nested arrays or objects costs far more than their bytes suggest (milliseconds per 32 KB frame),
 * and serializing them again can overflow the stack. Linear in the text, no allocation.
 */

const OPEN_BRACE = 0x7b; // {
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACE = 0x7d; // }
const CLOSE_BRACKET = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** True when `text` holds fewer than `limit + 1` `{` and `[` in all (so it cannot nest deeper). */
function hasFewOpeners(text: string, limit: number): boolean {
  let count = 0;
  for (const opener of ['{', '[']) {
    let index = text.indexOf(opener);
    while (index !== -1) {
      if (++count > limit) return false;
      index = text.indexOf(opener, index + 1);
    }
  }
  return true;
}

/**
 * True when the JSON text `text` nests objects and arrays more than `maxDepth` levels deep (the
 * outermost object is level 1). Brackets inside strings do not count. Invalid JSON is not detected
 * here (JSON.parse reports it); the scan only has to be right for texts that parse.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  // Most frames hold a handful of brackets: counting them with native indexOf settles it at once.
  if (hasFewOpeners(text, maxDepth)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
