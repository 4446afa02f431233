//! Output files that appear whole or not at all.
//!
//! An output (`--out`, `--records`) is written under a temporary name beside
//! its target and renamed into place once complete and synced: a scan that
//! fails half-way (a full disk, Ctrl-C, a crash) never leaves a truncated
//! file under the name a pipeline reads, and an older complete file there
//! stays as it was. A target that is not a regular file (`/dev/stdout`, a
//! FIFO, a device) is written in place: renaming over it would replace the
//! device node itself.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The file being written for `path`; dropped without [`Pending::commit`],
/// it removes its temporary file.
pub struct Pending {
    path: PathBuf,
    /// None when writing in place, and once committed or removed.
    tmp: Option<PathBuf>,
}

impl Pending {
    /// The file to write, and the guard that puts it in place.
    pub fn create(path: &Path) -> io::Result<(File, Pending)> {
        // Write where a link points; renaming over it would replace the
        // link itself with a file.
        let resolved;
        let path = if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            resolved = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            resolved.as_path()
        } else {
            path
        };
        let special = fs::metadata(path).is_ok_and(|m| !m.is_file());
        if special {
            let file = fs::OpenOptions::new().write(true).open(path)?;
            return Ok((
                file,
                Pending {
                    path: path.to_path_buf(),
                    tmp: None,
                },
            ));
        }
        // The process id keeps two scans writing the same target apart.
        let mut name = std::ffi::OsString::from(".");
        name.push(path.file_name().unwrap_or_default());
        name.push(format!(".{}.partial", std::process::id()));
        let tmp = path.with_file_name(name);
        let file = File::create(&tmp)?;
        Ok((
            file,
            Pending {
                path: path.to_path_buf(),
                tmp: Some(tmp),
            },
        ))
    }

    /// Sync the finished file and rename it into place.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        let done = File::open(&tmp)
            .and_then(|f| f.sync_all())
            .and_then(|()| fs::rename(&tmp, &self.path));
        if done.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        done
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("f.json");
        fs::write(&out, b"old").unwrap();
        let (mut f, pending) = Pending::create(&out).unwrap();
        f.write_all(b"half").unwrap();
        drop(pending);
        // Abandoned: the old file is intact and no temporary is left.
        assert_eq!(fs::read(&out).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let (mut f, pending) = Pending::create(&out).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        pending.commit().unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_link_is_followed_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        fs::write(&real, b"old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let (mut f, pending) = Pending::create(&link).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        pending.commit().unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn a_device_is_written_in_place() {
        let (mut f, pending) = Pending::create(Path::new("/dev/null")).unwrap();
        f.write_all(b"x").unwrap();
        pending.commit().unwrap();
        assert!(!fs::metadata("/dev/null").unwrap().is_file());
    }
}
