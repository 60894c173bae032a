// Column alignment with the exact algorithm of Go's text/tabwriter (docker formats every table
// with tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)): tab-terminated cells form columns whose
// width is computed per block of consecutive lines; the last cell of a line is not aligned.

const runeLength = (s: string): number => [...s].length;

export function tabwrite(text: string, minwidth = 10, padding = 3): string {
  const lines = text.split('\n').map((l) => l.split('\t'));
  // A trailing newline leaves an empty last line: keep it out of the layout.
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const widths: number[] = [];
  let out = '';

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      cells.forEach((cell, j) => {
        if (j < widths.length) out += cell + ' '.repeat(Math.max(0, widths[j] - runeLength(cell)));
        else out += cell;
      });
      if (i < lines.length - 1 || endsWithNewline) out += '\n';
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur].length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let width = minwidth;
      for (; cur < line1; cur++) {
        const cells = lines[cur];
        if (column >= cells.length - 1) break;
        width = Math.max(width, runeLength(cells[column]) + padding);
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
      cur--;
    }
    writeLines(line0, line1);
  };
  format(0, lines.length);
  return out;
}
