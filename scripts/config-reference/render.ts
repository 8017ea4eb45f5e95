/**
 * @module scripts/config-reference/render
 * The configuration reference as Markdown tables, and its place in the document: between the
 * BEGIN and END markers, so the prose around it stays hand-written.
 */
import type { ReferenceRow, ReferenceSection } from './collect';

export const BEGIN_MARKER =
  '<!-- BEGIN GENERATED config-reference: edit the option JSDoc, then run `npm run docs:config` -->';
export const END_MARKER = '<!-- END GENERATED config-reference -->';

/** The document holding the reference, relative to the repository root. */
export const REFERENCE_DOC = 'packages/server/docs/configuration.md';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function codeList(items: readonly string[]): string {
  if (items.length === 0) return '—';
  return items.map((item) => (item.startsWith('(') ? item : `\`${item}\``)).join(', ');
}

function flagList(items: readonly string[]): string {
  return items.length === 0
    ? '—'
    : items.map((item) => item.replace(/^(--\S+)/, '`$1`')).join(', ');
}

function row(option: ReferenceRow): string {
  return `| ${[
    `\`${option.key}\``,
    codeList(option.env),
    flagList(option.flags),
    `\`${option.type}\``,
    option.defaultValue,
    option.description,
  ]
    .map(cell)
    .join(' | ')} |`;
}

/** The generated part of the document, markers included. */
export function renderReference(sections: readonly ReferenceSection[]): string {
  const parts = [BEGIN_MARKER];
  for (const section of sections) {
    parts.push(
      '',
      `### ${section.title}`,
      '',
      section.intro,
      '',
      '| Key | Environment | Flag | Type | Default | Description |',
      '|---|---|---|---|---|---|',
      ...section.rows.map(row),
    );
  }
  parts.push('', END_MARKER);
  return parts.join('\n');
}

/** `document` with its generated part replaced by `generated`. */
export function spliceReference(document: string, generated: string): string {
  const start = document.indexOf(BEGIN_MARKER);
  const end = document.indexOf(END_MARKER);
  if (start < 0 || end < start) {
    throw new Error(`${REFERENCE_DOC} has no ${BEGIN_MARKER} ... ${END_MARKER} section`);
  }
  return document.slice(0, start) + generated + document.slice(end + END_MARKER.length);
}
