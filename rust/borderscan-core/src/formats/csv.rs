//! CSV and TSV: a header line names the columns, and each row's cells
//! become fields named by their column.

use super::{Format, Header, ParseError, RecordBuf};

/// Parse the header line of a delimited file.
pub fn parse_header(format: Format, line: &[u8]) -> Header {
    let mut rec = RecordBuf::default();
    let empty = Header::default();
    // A header that fails to parse still yields its cells; the data rows
    // will report the problem.
    // Empty cells are kept: an unnamed column (pandas' index column, `a,,b`)
    // still takes its place, or every later column would be misnamed and
    // every row reported ragged.
    let _ = parse_delimited(line, format.delimiter(), &empty, &mut rec, true);
    Header {
        columns: rec
            .fields
            .iter()
            .map(|f| rec.value(f).trim_ascii().to_vec())
            .collect(),
    }
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
                        push_cell(rec, header, col, &out[..outlen], &mut name, keep_empty);
                        col += 1;
                    }
                    break;
                }
            }
            csv_core::ReadFieldResult::OutputFull => {
                out.resize(out.len() * 2, 0);
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                push_cell(rec, header, col, &out[..outlen], &mut name, keep_empty);
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

fn push_cell(
    rec: &mut RecordBuf,
    header: &Header,
    col: usize,
    value: &[u8],
    name: &mut Vec<u8>,
    keep_empty: bool,
) {
    name.clear();
    match header.columns.get(col) {
        Some(c) if !c.is_empty() => name.extend_from_slice(c),
        _ => {
            name.push(b'_');
            name.extend_from_slice((col + 1).to_string().as_bytes());
        }
    }
    if keep_empty || !value.is_empty() {
        rec.push(name, value, false);
    }
}
