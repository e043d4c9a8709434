// RFC 4180 CSV: comma-separated, fields optionally in double quotes ("" is a quote inside
// them), quoted fields may hold commas and newlines. Each row carries the line it starts on,
// so that a bad record can be reported by line like a JSONL one.

export interface CsvRow {
  line: number; // 1-based line where the row starts
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

/** Splits CSV text into rows. A quote left open swallows the rest of the file: that is reported. */
export function parseCsvRows(text: string): { rows: CsvRow[]; problems: CsvProblem[] } {
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let sawQuote = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) problems.push({ line: start, message: 'a quoted field is never closed (the rest of the file is part of it)' });
        break;
      }
      const c = text[i];
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
          continue;
        }
        if (c === '\n') line++;
        field += c;
        i++;
        continue;
      }
      if (c === '"' && field === '' && !sawQuote) {
        quoted = sawQuote = true;
        i++;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        sawQuote = false;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        break;
      }
      field += c; // a stray quote in an unquoted field is kept as text, as most readers do
      i++;
    }
    fields.push(field);
    const blank = fields.length === 1 && fields[0] === '' && !sawQuote;
    if (!blank) rows.push({ line: start, fields });
  }
  return { rows, problems };
}
