//! CSV and TSV: a header line names the columns, and each row's cells
//! become fields named by their column.

use super::{Format, Header, ParseError, RecordBuf};

/// Parse the header line of a delimited file (a `.csv` file's delimiter
/// sniffed from it).
pub fn parse_header(format: Format, line: &[u8]) -> Header {
    parse_header_with(format, line, None)
}

/// Parse the header line of a delimited file; `csv_delimiter` forces the
/// delimiter of a `.csv` file (`--csv-delimiter`) instead of sniffing it.
pub fn parse_header_with(format: Format, line: &[u8], csv_delimiter: Option<u8>) -> Header {
    let mut rec = RecordBuf::default();
    let empty = Header::default();
    let delimiter = if format == Format::Csv {
        csv_delimiter.unwrap_or_else(|| header_delimiter(line))
    } else {
        format.delimiter()
    };
    // A header that fails to parse still yields its cells; the data rows
    // will report the problem.
    // Empty cells are kept: an unnamed column (pandas' index column, `a,,b`)
    // still takes its place, or every later column would be misnamed and
    // every row reported ragged.
    let _ = parse_delimited(line, delimiter, &empty, &mut rec, true);
    Header {
        columns: rec
            .fields
            .iter()
            .map(|f| rec.value(f).trim_ascii().to_vec())
            .collect(),
        delimiter,
    }
}

/// The delimiter a `.csv` header line was written with: `,`, or `;`
/// where `,` is the decimal separator (`Zeitstempel;Werk;Anlage;Meldung`),
/// a tab (spreadsheet exports saved as `.csv`) or `|` (database and
/// mainframe exports): whichever stands most often outside quotes, `,` on
/// a tie. The header decides for the whole file, so every range of a split
/// file parses its rows the same way.
pub(super) fn header_delimiter(line: &[u8]) -> u8 {
    const DELIMS: [u8; 4] = [b',', b';', b'\t', b'|'];
    let (mut n, mut quoted) = ([0usize; 4], false);
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = DELIMS.iter().position(|&d| d == b) {
            n[i] += 1;
        }
    }
    // First of the largest: `max_by_key` would take the last on a tie.
    let best = (0..DELIMS.len()).fold(0, |b, i| if n[i] > n[b] { i } else { b });
    DELIMS[best]
}

pub(super) fn parse_delimited(
    line: &[u8],
    delim: u8,
    header: &Header,
    rec: &mut RecordBuf,
    keep_empty: bool,
) -> Result<(), ParseError> {
    // Only `\n` ends a record: csv-core's default also ends one at a bare
    // `\r`, which silently dropped the rest of a line such as `a\rb,c`
    // (unscanned, uncounted). Lines arrive without their `\r\n` anyway.
    let mut rdr = csv_core::ReaderBuilder::new()
        .delimiter(delim)
        .terminator(csv_core::Terminator::Any(b'\n'))
        .build();
    let mut input = line;
    let mut out = vec![0u8; line.len() + 1];
    let mut col = 0usize;
    let mut outlen = 0usize;
    let mut name = Vec::new();
    // Where the cell being read starts in the line (after its quote).
    let cell_at = |at: usize| (at + usize::from(line.get(at) == Some(&b'"'))) as u32;
    let mut from = cell_at(0);
    loop {
        let (res, nin, nout) = rdr.read_field(input, &mut out[outlen..]);
        input = &input[nin..];
        outlen += nout;
        match res {
            csv_core::ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    // Signal end of input; csv-core then finishes the field.
                    let (res2, _, nout2) = rdr.read_field(&[], &mut out[outlen..]);
                    outlen += nout2;
                    if let csv_core::ReadFieldResult::Field { .. } = res2 {
                        let cell = Cell {
                            col,
                            value: &out[..outlen],
                            from,
                        };
                        push_cell(rec, header, cell, &mut name, keep_empty);
                        col += 1;
                    }
                    break;
                }
            }
            csv_core::ReadFieldResult::OutputFull => {
                out.resize(out.len() * 2, 0);
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                let cell = Cell {
                    col,
                    value: &out[..outlen],
                    from,
                };
                push_cell(rec, header, cell, &mut name, keep_empty);
                from = cell_at(line.len() - input.len());
                outlen = 0;
                col += 1;
                if record_end {
                    break;
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    if unbalanced_quotes(line) {
        return Err(ParseError::new(
            "unterminated_quote",
            "a quoted field is not closed on this line",
        ));
    }
    if !header.columns.is_empty() && col != header.columns.len() {
        return Err(ParseError::new(
            "ragged_row",
            format!("{col} fields where the header has {}", header.columns.len()),
        ));
    }
    Ok(())
}

fn unbalanced_quotes(line: &[u8]) -> bool {
    memchr::memchr_iter(b'"', line).count() % 2 == 1
}

/// A cell read: its column, its unquoted value, where it starts in the line.
struct Cell<'a> {
    col: usize,
    value: &'a [u8],
    from: u32,
}

fn push_cell(
    rec: &mut RecordBuf,
    header: &Header,
    cell: Cell,
    name: &mut Vec<u8>,
    keep_empty: bool,
) {
    let Cell { col, value, from } = cell;
    name.clear();
    match header.columns.get(col) {
        Some(c) if !c.is_empty() => name.extend_from_slice(c),
        _ => {
            name.push(b'_');
            name.extend_from_slice((col + 1).to_string().as_bytes());
        }
    }
    if keep_empty || !value.is_empty() {
        rec.push_at(name, value, false, from);
    }
}
