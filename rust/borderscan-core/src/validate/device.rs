//! Device identifiers written in text: serial numbers after their keyword,
//! and vehicle identification numbers (ISO 3779) with their check digit.

/// A serial number after `S/N`, `SerialNumber`, `Seriennummer`...: 5 to 32
/// characters of letters, digits and `-`/`/`/`.`, with at least two
/// digits, not one character repeated, and not a plain word.
pub fn serial(s: &[u8]) -> bool {
    let s = s.trim_ascii();
    if s.len() < 5 || s.len() > 32 {
        return false;
    }
    if !s
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'/' | b'.' | b'_'))
    {
        return false;
    }
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    digits >= 2 && !s.windows(2).all(|w| w[0] == w[1])
}

/// Transliteration of VIN characters to their check-digit values
/// (ISO 3779 / FMVSS 115; I, O and Q are not used).
fn vin_value(b: u8) -> Option<u32> {
    Some(match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => return None,
    })
}

const VIN_WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/// A 17-character VIN whose ninth character is its check digit (North
/// America and China require it; many European VINs carry it too).
pub fn vin(s: &[u8]) -> bool {
    if s.len() != 17 || !s.iter().any(u8::is_ascii_alphabetic) {
        return false;
    }
    let mut sum = 0;
    for (&b, w) in s.iter().zip(VIN_WEIGHTS) {
        let Some(v) = vin_value(b) else {
            return false;
        };
        sum += v * w;
    }
    let check = match sum % 11 {
        10 => b'X',
        d => b'0' + d as u8,
    };
    s[8] == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vins_by_their_check_digit() {
        // Check digits computed by hand (weights 8 7 6 5 4 3 2 10 - 9 8 ...).
        assert!(vin(b"1M8GDM9AXKP042788"));
        // Its check digit holds, but 17 digits are a number, not a VIN.
        assert!(!vin(b"11111111111111111"));
        assert!(!vin(b"1M8GDM9A1KP042788"));
        assert!(!vin(b"1M8GDM9AXKP04278"));
        assert!(!vin(b"1M8GDM9AXKP04278O"));
    }

    #[test]
    fn serials_have_digits_and_no_spaces() {
        assert!(serial(b"X12Y34567"));
        assert!(serial(b"SN-4471-A"));
        assert!(!serial(b"ABCDEF"));
        assert!(!serial(b"11111"));
        assert!(!serial(b"port 2"));
    }
}
