//! Corrupt compressed input must fail loudly, never pass as complete.

use std::io::{Read, Write};

use borderscan_core::input::decoder;

fn zstd_with_checksum(data: &[u8]) -> Vec<u8> {
    let mut enc = zstd::stream::Encoder::new(Vec::new(), 3).unwrap();
    enc.include_checksum(true).unwrap();
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn zstd_bad_checksum_is_an_error() {
    // Small and multi-block frames, read in small and large pieces.
    for lines in [1000, 20_000] {
        let data = b"{\"site\":\"JP-OSA-03\",\"email\":\"sato.k@example.jp\"}\n".repeat(lines);
        let mut z = zstd_with_checksum(&data);
        let n = z.len();
        z[n - 1] ^= 0xff;
        for piece in [64usize, 1 << 16, 1 << 20] {
            let (mut r, _) = decoder(&z[..]).unwrap();
            let mut buf = vec![0; piece];
            let mut total = 0;
            let res = loop {
                match r.read(&mut buf) {
                    Ok(0) => break Ok(()),
                    Ok(k) => total += k,
                    Err(e) => break Err(e),
                }
            };
            assert!(
                res.is_err(),
                "{lines} lines, pieces of {piece}: read {total} bytes, no error"
            );
        }
    }
}

#[test]
fn zstd_good_checksum_reads_whole() {
    let data = b"{\"a\":1}\n".repeat(1000);
    let z = zstd_with_checksum(&data);
    let (mut r, _) = decoder(&z[..]).unwrap();
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert_eq!(out, data);
}
