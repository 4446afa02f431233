//! Archives: what a stream is (tar, zip), and their members one after
//! another, each as a reader that streams it. Nothing is ever extracted to
//! disk: a tar is read as it streams by; a zip needs random access, so it is
//! read from its file or, inside another archive or a stream, from memory
//! (the engine caps that buffer).
//!
//! Members are named as they are in the archive, a leading `./` dropped; the
//! engine writes them after the archive's own path, `outer!member` (the
//! convention of gitleaks), one `!` per level.

use std::borrow::Cow;
use std::io::{self, Read, Seek};
use std::ops::ControlFlow;

/// An archive format read member by member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    Tar,
    Zip,
}

impl ArchiveKind {
    /// By magic bytes, after any compression is undone (so a `.tar.gz` is
    /// a tar): zip's local header (or the end record of an empty zip), and
    /// POSIX/GNU tar's `ustar` at offset 257 of the first header.
    pub fn sniff(head: &[u8]) -> Option<ArchiveKind> {
        if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Some(ArchiveKind::Zip)
        } else if head.get(257..262) == Some(b"ustar") {
            Some(ArchiveKind::Tar)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ArchiveKind::Tar => "tar",
            ArchiveKind::Zip => "zip",
        }
    }
}

/// What a member is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberKind {
    /// File content, read through the member's reader.
    File,
    /// Not content (a link, a device entry, a sparse file...): named and
    /// counted, never read. The text says what it is.
    Other(String),
}

/// One member, handed to the caller's visitor.
pub struct Member<'a> {
    /// The member's name in the archive (lossy UTF-8; `./` dropped).
    pub name: String,
    pub kind: MemberKind,
    /// Its size as extracted: the bytes its reader yields when whole.
    pub size: u64,
    /// Its size as stored in the archive, when that differs (a zip member
    /// compressed inside the archive): the base of its expansion ratio.
    pub stored: Option<u64>,
    /// Its content, or why it cannot be read (an encrypted zip member, a
    /// compression method not supported).
    pub reader: Result<&'a mut dyn Read, String>,
}

/// A member's name as shown: lossy UTF-8, with leading `./` dropped.
pub fn member_name(raw: &[u8]) -> String {
    let mut s = String::from_utf8_lossy(raw).into_owned();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    s
}

/// Hand every member of a tar stream to `visit`, in archive order,
/// until it breaks. Directories and PAX global headers are structure, not
/// members. An error is the archive's (a header that does not parse, the
/// stream ending early): the members before it were handed out.
pub fn each_tar_member(
    r: &mut dyn Read,
    visit: &mut dyn FnMut(Member<'_>) -> ControlFlow<()>,
) -> io::Result<()> {
    let mut archive = tar::Archive::new(r);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let t = entry.header().entry_type();
        if t.is_dir() || t.is_pax_global_extensions() {
            continue;
        }
        let name = member_name(&entry.path_bytes());
        let size = entry.size();
        let kind = if t.is_file() || t.is_contiguous() {
            MemberKind::File
        } else if t.is_symlink() || t.is_hard_link() {
            let target = entry
                .link_name_bytes()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            MemberKind::Other(format!(
                "a {} to {target:?} in the archive: not followed (its target is scanned as \
                 itself)",
                if t.is_symlink() {
                    "symbolic link"
                } else {
                    "hard link"
                }
            ))
        } else if t.is_gnu_sparse() {
            MemberKind::Other(
                "a sparse file in the archive: not read (extract it to scan it)".into(),
            )
        } else if t.is_character_special() || t.is_block_special() || t.is_fifo() {
            MemberKind::Other("a device or FIFO entry in the archive: no content".into())
        } else {
            MemberKind::Other(format!(
                "a tar entry of type {:?}: not read",
                char::from(t.as_byte())
            ))
        };
        let reader: &mut dyn Read = &mut entry;
        let flow = visit(Member {
            name,
            kind,
            size,
            stored: None,
            reader: Ok(reader),
        });
        if flow.is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// A zip archive opened through its central directory.
pub struct Zip<R: Read + Seek> {
    archive: zip::ZipArchive<R>,
}

impl<R: Read + Seek> Zip<R> {
    /// Read the central directory (an error names what is wrong).
    pub fn open(r: R) -> Result<Self, String> {
        let archive = zip::ZipArchive::new(r).map_err(|e| format!("not a readable zip: {e}"))?;
        Ok(Zip { archive })
    }

    /// Entries in the central directory (directories included).
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.archive.is_empty()
    }

    /// Hand every member to `visit`, in central directory order, until it
    /// breaks. A member that cannot be opened (encrypted, a compression
    /// method not supported) is handed out with the reason; an error in its
    /// data is met while reading it, and the next member is read as usual.
    pub fn each_member(&mut self, visit: &mut dyn FnMut(Member<'_>) -> ControlFlow<()>) {
        for i in 0..self.archive.len() {
            let error = match self.archive.by_index(i) {
                Ok(mut f) => {
                    if f.is_dir() {
                        continue;
                    }
                    let name = member_name(&zip_name(&f));
                    let (size, stored) = (f.size(), f.compressed_size());
                    let kind = if f.is_symlink() {
                        MemberKind::Other(
                            "a symbolic link in the archive: not followed (its target is \
                             scanned as itself)"
                                .into(),
                        )
                    } else {
                        MemberKind::File
                    };
                    let reader: &mut dyn Read = &mut f;
                    let flow = visit(Member {
                        name,
                        kind,
                        size,
                        stored: Some(stored),
                        reader: Ok(reader),
                    });
                    if flow.is_break() {
                        return;
                    }
                    continue;
                }
                Err(e) => e.to_string(),
            };
            // Opened without decompressing, to name it and size it.
            let (name, size, stored) = match self.archive.by_index_raw(i) {
                Ok(f) if f.is_dir() => continue,
                Ok(f) => (
                    member_name(&zip_name(&f)),
                    f.size(),
                    Some(f.compressed_size()),
                ),
                Err(_) => (format!("(entry {i})"), 0, None),
            };
            let flow = visit(Member {
                name,
                kind: MemberKind::File,
                size,
                stored,
                reader: Err(format!("cannot read this zip member: {error}")),
            });
            if flow.is_break() {
                return;
            }
        }
    }
}

/// A zip member's name: UTF-8 when flagged so, else as CP437 (what the zip
/// crate decodes), else the raw bytes lossily.
fn zip_name<R: Read + ?Sized>(f: &zip::read::ZipFile<'_, R>) -> Cow<'static, [u8]> {
    match f.name() {
        Ok(n) => Cow::Owned(n.as_bytes().to_vec()),
        Err(_) => Cow::Owned(f.name_raw().to_vec()),
    }
}

/// A reader over a file (or memory) that remembers the furthest byte read:
/// how much of a zip read through its central directory was read.
pub struct HighWater<R> {
    inner: R,
    pos: u64,
    high: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R> HighWater<R> {
    pub fn new(inner: R, high: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        HighWater {
            inner,
            pos: 0,
            high,
        }
    }
}

impl<R: Read> Read for HighWater<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        self.high
            .fetch_max(self.pos, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for HighWater<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in members {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            let o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Each member's name, size and content.
    type Read3 = Vec<(String, u64, Vec<u8>)>;

    fn read_all(visit_tar: bool, data: &[u8]) -> (Read3, io::Result<()>) {
        let mut got = Vec::new();
        let mut visit = |m: Member<'_>| {
            let mut body = Vec::new();
            if let Ok(r) = m.reader {
                let _ = r.read_to_end(&mut body);
            }
            got.push((m.name, m.size, body));
            ControlFlow::Continue(())
        };
        let res = if visit_tar {
            each_tar_member(&mut &data[..], &mut visit)
        } else {
            Zip::open(Cursor::new(data))
                .map(|mut z| z.each_member(&mut visit))
                .map_err(io::Error::other)
        };
        (got, res)
    }

    #[test]
    fn sniffs_tar_and_zip_by_magic() {
        let t = tar_of(&[("a.log", b"x\n")]);
        assert_eq!(ArchiveKind::sniff(&t), Some(ArchiveKind::Tar));
        let z = zip_of(&[("a.log", b"x\n")]);
        assert_eq!(ArchiveKind::sniff(&z), Some(ArchiveKind::Zip));
        assert_eq!(ArchiveKind::sniff(b"{\"a\":1}\n"), None);
    }

    #[test]
    fn tar_and_zip_members_in_order_with_names_and_sizes() {
        let members: [(&str, &[u8]); 3] = [
            ("./logs/day1.jsonl", b"{\"a\":1}\n"),
            ("logs/empty.log", b""),
            ("x/y/z.csv", b"a,b\n1,2\n"),
        ];
        for tar in [true, false] {
            let data = if tar {
                tar_of(&members)
            } else {
                zip_of(&members)
            };
            let (got, res) = read_all(tar, &data);
            res.unwrap();
            let want: Read3 = members
                .iter()
                .map(|(n, d)| (member_name(n.as_bytes()), d.len() as u64, d.to_vec()))
                .collect();
            assert_eq!(got, want, "tar {tar}");
            assert_eq!(got[0].0, "logs/day1.jsonl");
        }
    }

    #[test]
    fn a_truncated_tar_is_an_error_after_the_members_before_it() {
        let data = tar_of(&[("a.log", &[b'a'; 3000]), ("b.log", &[b'b'; 3000])]);
        // Cut inside the second member's data.
        let (got, res) = read_all(true, &data[..512 * 9]);
        assert_eq!(got[0].2.len(), 3000);
        assert!(got.len() == 1 || got[1].2.len() < 3000);
        // Either the stream ends inside the member (short read) or the
        // next header cannot be read: never a silent success with all.
        let short = got.len() == 2 && got[1].2.len() < 3000;
        assert!(short || res.is_err(), "{res:?}");
    }

    #[test]
    fn a_corrupt_zip_is_an_error_that_says_so() {
        let mut data = zip_of(&[("a.log", b"hello\n")]);
        let n = data.len();
        data.truncate(n - 10);
        let (_, res) = read_all(false, &data);
        assert!(res.unwrap_err().to_string().contains("zip"));
    }

    #[test]
    fn a_zip_member_with_bad_data_fails_alone() {
        let body = b"{\"email\":\"anna.schmidt@example.de\"}\n".repeat(200);
        let mut data = zip_of(&[("a.log", &body), ("b.log", b"fine\n")]);
        // Flip bytes in the middle of a.log's compressed data.
        data[60] ^= 0xff;
        data[61] ^= 0xff;
        let mut seen = Vec::new();
        let mut z = Zip::open(Cursor::new(&data[..])).unwrap();
        z.each_member(&mut |m| {
            let mut body = Vec::new();
            let ok = m.reader.is_ok_and(|r| r.read_to_end(&mut body).is_ok());
            seen.push((m.name, ok));
            ControlFlow::Continue(())
        });
        assert_eq!(
            seen,
            vec![("a.log".to_string(), false), ("b.log".to_string(), true)]
        );
    }

    #[test]
    fn high_water_counts_the_furthest_byte_read() {
        let high = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut r = HighWater::new(Cursor::new(vec![0u8; 100]), high.clone());
        r.seek(io::SeekFrom::Start(90)).unwrap();
        let mut b = [0u8; 4];
        r.read_exact(&mut b).unwrap();
        r.seek(io::SeekFrom::Start(0)).unwrap();
        r.read_exact(&mut b).unwrap();
        assert_eq!(high.load(std::sync::atomic::Ordering::Relaxed), 94);
    }
}
