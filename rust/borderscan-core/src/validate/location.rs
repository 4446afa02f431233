//! Geolocation: latitude/longitude pairs.

/// One decimal coordinate with at least four decimals.
fn coord(t: &[u8]) -> Option<f64> {
    let body = t
        .strip_prefix(b"-")
        .or_else(|| t.strip_prefix(b"+"))
        .unwrap_or(t);
    let dot = body.iter().position(|&b| b == b'.')?;
    let (int, frac) = (&body[..dot], &body[dot + 1..]);
    if int.is_empty() || int.len() > 3 || frac.len() < 4 || frac.len() > 15 {
        return None;
    }
    if !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// `lat, lon` (comma and/or spaces between): latitude in [-90, 90],
/// longitude in [-180, 180], both with >= 4 decimals, and not both within
/// pi of zero: that is open sea (the Gulf of Guinea: its nearest land,
/// Cape Three Points and Sao Tome, lie outside it), while unit vectors,
/// quaternions, matrix rows (`0.99984, 0.01745`) and angles in radians
/// (roll, pitch, yaw `1.8437, -0.0412`) land there.
pub fn gps_pair(s: &[u8]) -> bool {
    let mut parts = s
        .split(|&b| b == b',' || b == b' ' || b == b';')
        .filter(|p| !p.is_empty());
    let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let (Some(lat), Some(lon)) = (coord(a), coord(b)) else {
        return false;
    };
    (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
        && (lat.abs() > std::f64::consts::PI || lon.abs() > std::f64::consts::PI)
}
