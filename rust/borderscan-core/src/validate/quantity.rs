//! Quantities: values that are numbers (a reading, a hyperparameter).

/// A value that starts with a decimal number, as a reading or a tuning
/// parameter does (`61.2 °C`, `-3`, `.5`, `1e-4`, `12/50`, `(-0.39,0.30)`,
/// `[0.1, 0.2]`, `"6.8"`): white space, quotes, brackets and a sign may
/// come first. Not a hex word (`0x080053cc`: a register, an address), nor
/// words that happen to hold digits (`FT-101 Nullpunktabgleich
/// durchgeführt`, `PT-101`): a field named after a quantity whose value is
/// a sentence or a name holds no reading.
pub fn numeric(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'"' | b'\'' | b'[' | b'(' | b'{') {
        i += 1;
    }
    if i < s.len() && matches!(s[i], b'-' | b'+') {
        i += 1;
    }
    match s.get(i..) {
        Some([b'0', b'x' | b'X' | b'b' | b'B', ..]) => false,
        Some([b'.', d, ..]) => d.is_ascii_digit(),
        Some([d, ..]) => d.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::numeric;

    #[test]
    fn numbers_lead_and_hex_words_do_not() {
        for v in [
            "61.2",
            "61.2 °C",
            "-3",
            "+4.5",
            ".5",
            "1e-4",
            "12/50",
            "(-0.393,-0.301,9.851)",
            "[0.1, 0.2]",
            "\"6.8\"",
            "0",
        ] {
            assert!(numeric(v.as_bytes()), "{v}");
        }
        for v in [
            "",
            "-",
            "0x080053cc",
            "0X1F",
            "FT-101 Nullpunktabgleich durchgeführt",
            "PT-101",
            "high",
            "NaN",
            "true",
            "[*****]",
        ] {
            assert!(!numeric(v.as_bytes()), "{v}");
        }
    }
}
