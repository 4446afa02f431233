use super::*;

fn ok(v: Validator, s: &str) -> bool {
    v(s.as_bytes())
}

#[test]
fn names_resolve() {
    for n in NAMES {
        assert!(by_name(n).is_some(), "{n}");
    }
    assert!(by_name("nope").is_none());
}

#[test]
fn luhn_cards() {
    for s in [
        "4111111111111111",
        "4111 1111 1111 1111",
        "5500-0000-0000-0004",
        "378282246310005",
        "6011111111111117",
        "30569309025904",
        "4222222222222",
    ] {
        assert!(ok(luhn, s), "{s}");
    }
    for s in [
        "4111111111111112",
        "1234567812345670",
        "0000000000000000",
        "411111111111",
        "4111x11111111111",
        "490154203237518",
        // PRC resident IDs that pass Luhn: a valid one and one with a
        // wrong MOD 11-2 check digit.
        "320506198802183395",
        "310115199902178719",
    ] {
        assert!(!ok(luhn, s), "{s}");
    }
    // 18 digits that are not ID-shaped (month 13), and an ID-shaped
    // number written in groups, are still cards (UnionPay, 62).
    for s in [
        "621234567890123457",
        "620506198813021835",
        "6205 0619 8802 1833 98",
    ] {
        assert!(ok(luhn, s), "{s}");
    }
    // An ID-shaped 18-digit run is not, whatever its issuer range.
    assert!(!ok(luhn, "620506198802183398"));
    // Issuer ranges and their lengths.
    for s in [
        "501864667909",        // Maestro, 12
        "180016070420458",     // JCB, 15
        "213164126086955",     // JCB, 15
        "6759649826438453",    // Maestro, 16
        "2221000000000009",    // Mastercard 2-series
        "4111111111111111110", // Visa, 19
    ] {
        assert!(ok(luhn, s), "{s}");
    }
    for s in [
        "7000000000000005",   // no issuer 7
        "2000000000000006",   // 20: no issuer
        "41111111111114",     // Visa has no 14-digit cards
        "378282246310005127", // Amex has no 18-digit cards
        "060426070011",       // 0: no issuer
        "490154203237518",    // an IMEI: 49 has no 15-digit cards
    ] {
        assert!(!ok(luhn, s), "{s}");
    }
}

#[test]
fn imei_check() {
    for s in ["490154203237518", "35-209900-176148-1", "356938035643809"] {
        assert!(ok(imei, s), "{s}");
    }
    for s in [
        "490154203237519",
        "000000000000000",
        "49015420323751",
        "4901542032375180",
        // Luhn-valid, but 34/37 (Amex) and 18/21 (JCB) are no reporting
        // body: cards, not IMEIs.
        "378282246310005",
        "347415977307943",
        "180016070420458",
        "213164126086955",
    ] {
        assert!(!ok(imei, s), "{s}");
    }
}

#[test]
fn cn_id() {
    for s in [
        "11010519491231002X",
        "11010519491231002x",
        "110105199003077390",
        "440304198506123412",
    ] {
        assert!(ok(cn_resident_id, s), "{s}");
    }
    for s in [
        "110105194912310021", // wrong check char
        "990105194912310026", // no such province
        "110105194913310021", // month 13
        "310115200102291232", // 29 Feb 2001 (check char right)
        "11010518491231002X", // 1849
        "1101051949123100",   // short
        "A1010519491231002X",
    ] {
        assert!(!ok(cn_resident_id, s), "{s}");
    }
}

#[test]
fn my_number() {
    for s in [
        "123456789018",
        "1234 5678 9018",
        "1234-5678-9018",
        "987654321018",
    ] {
        assert!(ok(jp_my_number, s), "{s}");
    }
    for s in [
        "123456789012",
        "12345678901",
        "000000000000",
        "1234567890189",
        // Check digit right, but not written like a My Number.
        "4196 8549 3536 3800",
        "FR55 6691 7837 4467 4309 6816 117",
        "0151 84088999",
        "1234-5678 9018",
        "12 3456 7890 18",
        "1234  5678 9018",
        "+123456789018",
        "MN123456789018",
        "123456789018a",
    ] {
        assert!(!ok(jp_my_number, s), "{s}");
    }
}

#[test]
fn korean_rrn() {
    for s in [
        "800101-1234560",
        "8001011234560",
        "010315-4123451",
        "920814-2345678",
    ] {
        assert!(ok(kr_rrn, s), "{s}");
    }
    for s in [
        "800101-1234565", // wrong check digit
        "801301-1234561", // month 13
        "800101-9234561", // 1800s digit
        "800230-1234569", // Feb 30
        "8001-011234560",
    ] {
        assert!(!ok(kr_rrn, s), "{s}");
    }
}

#[test]
fn steuer_id() {
    for s in [
        "86095742719",
        "47036892816",
        "65929970489",
        "57549285017",
        "25768131411",
        "86 095 742 719",
        "84 324 647 901",
    ] {
        assert!(ok(de_steuer_id, s), "{s}");
    }
    for s in [
        "86095742711", // wrong check digit
        "06095742719", // leading zero
        "12345678903", // all ten distinct
        "11145678908", // a digit three times in a row (check digit right)
        "8609574271",  // short
        "+84 324 647 901",
        "84 324 647 901 5",
        "843 246 479 01",
        "84324 647901",
        "8432464790 1",
        "86 095 742 719x",
        "86/095/742/719",
    ] {
        assert!(!ok(de_steuer_id, s), "{s}");
    }
}

#[test]
fn cccd() {
    for s in ["001090012345", "079203004567", "036185001122"] {
        assert!(ok(vn_cccd, s), "{s}");
    }
    for s in [
        "003090012345",
        "097090012345",
        "079290004567",
        "07920300456",
        "001900000000",
    ] {
        assert!(!ok(vn_cccd, s), "{s}");
    }
}

#[test]
fn iban_check() {
    for s in [
        "DE89370400440532013000",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432",
        "FR1420041010050500013M02606",
        "NL91ABNA0417164300",
        "CH9300762011623852957",
        "gb82west12345698765432",
    ] {
        assert!(ok(iban, s), "{s}");
    }
    for s in [
        "DE89370400440532013001", // mod 97 fails
        "DE8937040044053201300",  // wrong length
        "XX89370400440532013000", // unknown country
        "GB82WEST1234569876543$",
    ] {
        assert!(!ok(iban, s), "{s}");
    }
}

#[test]
fn mac_check() {
    for s in ["00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e"] {
        assert!(ok(mac, s), "{s}");
    }
    for s in [
        "00:00:00:00:00:00",
        "ff:ff:ff:ff:ff:ff",
        "00:1a-2b:3c:4d:5e",
        "00:1a:2b:3c:4d",
        "0g:1a:2b:3c:4d:5e",
    ] {
        assert!(!ok(mac, s), "{s}");
    }
}

#[test]
fn ip_check() {
    for s in ["192.168.1.20", "8.8.8.8", "10.0.0.1"] {
        assert!(ok(ipv4, s), "{s}");
    }
    for s in [
        "01.2.3.4",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "0.0.0.0",
        "255.255.255.0",
    ] {
        assert!(!ok(ipv4, s), "{s}");
    }
    for s in [
        "2001:db8::1",
        "fe80::1ff:fe23:4567:890a",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "::1",
    ] {
        assert!(ok(ipv6, s), "{s}");
    }
    for s in ["::", "12:34:56", "2001:db8:::1", "a:b", "std::map"] {
        assert!(!ok(ipv6, s), "{s}");
    }
}

#[test]
fn gps() {
    for s in [
        "31.2304, 121.4737",
        "-33.8688,151.2093",
        "48.1351 11.5820",
        // Libreville: one coordinate beyond pi is enough.
        "0.3901, 9.4544",
    ] {
        assert!(ok(gps_pair, s), "{s}");
    }
    for s in [
        "31.23, 121.47",
        "91.0000, 10.0000",
        "45.0000, 181.0000",
        "0.0000, 0.0000",
        "0.99984, 0.01745",
        "1.2.3, 4.5678",
        // Roll and pitch in radians, within pi of zero.
        "1.5708, -0.0412",
        "-3.1012, 2.9950",
    ] {
        assert!(!ok(gps_pair, s), "{s}");
    }
}

#[test]
fn email_check() {
    for s in [
        "li.wei@example.cn",
        "a+b@mail.example.co.jp",
        "ops_team@plant-3.example.de",
    ] {
        assert!(ok(email, s), "{s}");
    }
    for s in [
        "logo@2x.png",
        "a..b@example.com",
        ".a@example.com",
        "a@localhost",
        "a@example.c0m",
        "a@-x.com",
    ] {
        assert!(!ok(email, s), "{s}");
    }
}

#[test]
fn jwt_check() {
    let good = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    assert!(ok(jwt, good));
    assert!(ok(jwt, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."));
    // Header without `alg`, not base64url, two segments, bad characters.
    assert!(!ok(jwt, "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.abc"));
    assert!(!ok(
        jwt,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ));
    assert!(!ok(jwt, "abc.def.ghi"));
    assert!(!ok(jwt, "eyJhbGciOiJIUzI1NiJ9.e$J.x"));
}

#[test]
fn basic_auth_check() {
    // `plc_reader:Xk4-mQ2z`, `svc:s3cr3t!`, padded and not.
    for s in [
        "cGxjX3JlYWRlcjpYazQtbVEyeg==",
        "c3ZjOnMzY3IzdCE=",
        "c3ZjOnMzY3IzdCE",
    ] {
        assert!(ok(basic_auth, s), "{s}");
    }
    for s in [
        // `user:` (no password), `user:***`, no colon, not base64, base64url.
        "dXNlcjo=",
        "dXNlcjoqKio=",
        "aGVsbG8gd29ybGQ=",
        "realm=plant",
        "c3ZjOnMzY3IzdCE-_",
        // binary after decoding
        "AAECAwQFBgcICQ==",
    ] {
        assert!(!ok(basic_auth, s), "{s}");
    }
}

#[test]
fn tokens_in_token_fields() {
    assert!(ok(token_value, "pQ7vR2mX9kL4tY8wZ3nB6cF1hJ5sD0aG"));
    assert!(ok(token_value, "Zx9Qw2Er7Ty4Ui1Op6As-_.~+/=="));
    assert!(!ok(token_value, "android.os.BinderProxy@2bd79ce"));
    assert!(!ok(token_value, "Zx9Qw2Er7Ty4 Ui1Op6As"));
    assert!(!ok(token_value, "eof"));
}

#[test]
fn entropy() {
    for s in [
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "Zx9Qw2Er7Ty4Ui1Op6As",
    ] {
        assert!(ok(high_entropy, s), "{s}");
    }
    for s in [
        "aaaaaaaaaaaaaaaaaaaaaaaa",
        "short1",
        "your_api_key_here_123",
        "${API_KEY_FROM_ENV_1}",
        "abcdefghijklmnopqrstuvwx",
        "1111111122222222",
        "1234567890abcdef1234",
    ] {
        assert!(!ok(high_entropy, s), "{s}");
    }
}

#[test]
fn phones() {
    for s in [
        "13800138000",
        "+86 138 0013 8000",
        "+86-139-1234-5678",
        "008615912345678",
        "010 6552 9988",
    ] {
        assert!(ok(phone_cn, s), "{s}");
    }
    for s in [
        "12800138000",
        "1380013800",
        "+49 138 0013 8000",
        "13811111111",
        // A CN mobile is never written with the trunk 0.
        "0139 1234 5678",
    ] {
        assert!(!ok(phone_cn, s), "{s}");
    }
    for s in [
        "+49 30 12345678",
        "030 12345678",
        "+49 151 23456789",
        "0049 89 1234567",
        "089/1234567",
        // The trunk 0 after the country code is a common mistake;
        // libphonenumber drops it, and so the number is still German.
        "+49 030 12345678",
    ] {
        assert!(ok(phone_de, s), "{s}");
    }
    for s in ["+49 30 12", "30 12345678", "+48 30 12345678"] {
        assert!(!ok(phone_de, s), "{s}");
    }
    for s in [
        "090-1234-5678",
        "+81 90 1234 5678",
        "03-1234-5678",
        "+81 3 1234 5678",
        "+81 090 1234 5678",
    ] {
        assert!(ok(phone_jp, s), "{s}");
    }
    for s in ["010-1234-5678", "0312345678901", "03-1234-567"] {
        assert!(!ok(phone_jp, s), "{s}");
    }
    for s in [
        "0912345678",
        "+84 912 345 678",
        "0912 345 678",
        "0981 234 567",
    ] {
        assert!(ok(phone_vn, s), "{s}");
    }
    for s in ["0112345678", "+84 012 345 678", "091234567", "0412345678"] {
        assert!(!ok(phone_vn, s), "{s}");
    }
    for s in [
        "010-1234-5678",
        "+82 10 1234 5678",
        "02-123-4567",
        "031-123-4567",
        "+82 010 1234 5678",
    ] {
        assert!(ok(phone_kr, s), "{s}");
    }
    for s in ["010-1234-56", "090-1234-5678", "0212"] {
        assert!(!ok(phone_kr, s), "{s}");
    }
    // Any country, written in international form.
    for s in ["+14155552671", "+44 20 7946 0958", "+86 138 0013 8000"] {
        assert!(ok(phone_e164, s), "{s}");
    }
    for s in [
        "+0123456789",
        "+1234567",
        "14155552671",
        "+1234567890123456",
        "+11111111111",
    ] {
        assert!(!ok(phone_e164, s), "{s}");
    }
    // Every other country, in either form; never a pilot market's.
    for s in [
        "+14155552671",
        "(415) 555-2671",
        "0161 496 0123",
        "01 42 68 53 00",
    ] {
        assert!(ok(phone_other, s) && ok(phone, s), "{s}");
    }
    for s in ["+86 138 0013 8000", "090-1234-5678", "2017-05-16 12"] {
        assert!(!ok(phone_other, s), "{s}");
    }
    // A MAC address in Cisco's dotted notation is no one's number.
    for s in ["0050.5687.1234", "0011.2233.4455"] {
        assert!(!ok(phone, s), "{s}");
    }
}
