//! Files gonghui itself reads and writes beside tantivy's: user files read whole, files
//! replaced whole (never seen half-written), and positioned reads and writes.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use crate::error::{Error, Result};

/// The text of a UTF-8 file the user gave (a dictionary, a synonyms file); `what` names it in
/// the error.
pub(crate) fn read_text(path: &std::path::Path, what: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("{}: {what} is not UTF-8 text", path.display())))
}

/// Writes a file through a temporary file beside it, renamed over it once complete: a reader
/// (a memory map of the old file, a process opening it) sees the old file or the new one,
/// never a file being written.
pub(crate) fn replace(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = Path::new(&tmp);
    let written = File::create(tmp).and_then(|file| {
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(tmp);
        return Err(Error::io(tmp, e));
    }
    std::fs::rename(tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(unix)]
pub(crate) fn read_exact_at(
    file: &std::fs::File,
    bytes: &mut [u8],
    at: u64,
) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

#[cfg(windows)]
pub(crate) fn read_exact_at(
    file: &std::fs::File,
    mut bytes: &mut [u8],
    mut at: u64,
) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut bytes[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
pub(crate) fn write_all_at(file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(windows)]
pub(crate) fn write_all_at(
    file: &std::fs::File,
    mut bytes: &[u8],
    mut at: u64,
) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, bytes, at)? {
            0 => return Err(std::io::ErrorKind::WriteZero.into()),
            n => {
                bytes = &bytes[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}
