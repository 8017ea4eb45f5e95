/**
 * @module scripts/config-reference
 * Entry of the configuration reference generator: the document as it should be.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectReference } from './collect';
import { REFERENCE_DOC, renderReference, spliceReference } from './render';

export { collectReference } from './collect';
export { BEGIN_MARKER, END_MARKER, REFERENCE_DOC, renderReference } from './render';

/** Absolute path of the document holding the reference. */
export const REFERENCE_DOC_PATH = fileURLToPath(new URL(`../../${REFERENCE_DOC}`, import.meta.url));

/** The document's current text and the text it should have; `problems` when the code disagrees. */
export function expectedReferenceDoc(): {
  readonly current: string;
  readonly expected: string;
  readonly problems: readonly string[];
} {
  const current = readFileSync(REFERENCE_DOC_PATH, 'utf8');
  const { sections, problems } = collectReference();
  return { current, expected: spliceReference(current, renderReference(sections)), problems };
}
