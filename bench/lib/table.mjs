/**
 * @module bench/lib/table
 * Plain-text tables for benchmark reports: `printTable(title, header, rows)` pads each column to
 * its widest cell.
 */

export function printTable(title, header, rows) {
  const widths = header.map((cell, column) =>
    Math.max(String(cell).length, ...rows.map((row) => String(row[column] ?? '').length)),
  );
  const line = (cells) =>
    `  ${cells.map((cell, column) => String(cell ?? '').padEnd(widths[column])).join('  ')}`.trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}
