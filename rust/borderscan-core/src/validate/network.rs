//! Network addresses: MAC, IPv4 and IPv6.

use std::net::{Ipv4Addr, Ipv6Addr};

/// MAC address: six hex octets separated by `:` or `-` (consistently), or
/// Cisco's `xxxx.xxxx.xxxx`; not all-zero and not broadcast.
pub fn mac(s: &[u8]) -> bool {
    let hex: Vec<u8> = match s.len() {
        17 => {
            let sep = s[2];
            if sep != b':' && sep != b'-' {
                return false;
            }
            let mut out = Vec::with_capacity(12);
            for (i, &b) in s.iter().enumerate() {
                if i % 3 == 2 {
                    if b != sep {
                        return false;
                    }
                } else {
                    out.push(b);
                }
            }
            out
        }
        14 => {
            if s[4] != b'.' || s[9] != b'.' {
                return false;
            }
            s.iter().copied().filter(|&b| b != b'.').collect()
        }
        _ => return false,
    };
    if hex.len() != 12 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    !hex.iter().all(|&b| b == b'0') && !hex.iter().all(|&b| b == b'f' || b == b'F')
}

/// IPv4 dotted quad, parsed by the standard library; octets with a leading
/// zero (`01.2.3.4`, often version numbers or octal) are rejected, and so
/// are addresses in 0.0.0.0/8 and 255.0.0.0/8 (unspecified, netmasks,
/// broadcast), which identify nobody.
pub fn ipv4(s: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    if text.split('.').any(|o| o.len() > 1 && o.starts_with('0')) {
        return false;
    }
    match text.parse::<Ipv4Addr>() {
        Ok(a) => !matches!(a.octets()[0], 0 | 255),
        Err(_) => false,
    }
}

/// IPv6, parsed by the standard library, with at least two colons; the
/// unspecified address `::` is rejected.
pub fn ipv6(s: &[u8]) -> bool {
    if s.iter().filter(|&&b| b == b':').count() < 2 {
        return false;
    }
    let Ok(text) = std::str::from_utf8(s) else {
        return false;
    };
    match text.parse::<Ipv6Addr>() {
        Ok(a) => !a.is_unspecified(),
        Err(_) => false,
    }
}
