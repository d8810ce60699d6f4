//! Folders mounted for a test (a read-only view, a small tmpfs), unmounted when dropped.
//! Mounting needs root; without it the helpers say why and give `None`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A mount point, unmounted (and its folder removed) when dropped.
pub struct Mount {
    point: tempfile::TempDir,
}

impl Mount {
    pub fn path(&self) -> &Path {
        self.point.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.point.path()).status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn mount(args: &[&str], point: &Path) -> bool {
    Command::new("mount")
        .args(args)
        .arg(point)
        .status()
        .is_ok_and(|s| s.success())
}

/// An index folder that cannot be written: a read-only bind mount of it where the test runs
/// as root, else the folder itself without write permission.
pub enum ReadOnly {
    Mounted(Mount),
    Unwritable(PathBuf),
}

impl ReadOnly {
    pub fn path(&self) -> &Path {
        match self {
            ReadOnly::Mounted(mount) => mount.path(),
            ReadOnly::Unwritable(dir) => dir,
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let ReadOnly::Unwritable(dir) = self {
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
        }
    }
}

/// `dir` made read-only for the test (see [`ReadOnly`]); `None`, with the reason, when
/// neither way works here.
pub fn read_only(dir: &Path) -> Option<ReadOnly> {
    let view = match is_root() {
        true => ReadOnly::Mounted(read_only_mount(dir)?),
        false => {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
            ReadOnly::Unwritable(dir.to_path_buf())
        }
    };
    // The test is only worth something where a write is really refused.
    if std::fs::write(view.path().join("probe"), b"").is_ok() {
        eprintln!("read-only index skipped: the folder can still be written");
        return None;
    }
    Some(view)
}

fn read_only_mount(dir: &Path) -> Option<Mount> {
    let point = tempfile::tempdir().unwrap();
    let source = dir.to_str().unwrap();
    if !mount(&["--bind", source], point.path()) {
        eprintln!("read-only bind mount skipped: mount --bind failed");
        return None;
    }
    let mounted = Mount { point };
    if !mount(&["-o", "remount,ro,bind"], mounted.path()) {
        eprintln!("read-only bind mount skipped: remount,ro failed");
        return None;
    }
    Some(mounted)
}

/// A tmpfs of `size` (as mount's `size=`, e.g. `4m`).
pub fn tmpfs(size: &str) -> Option<Mount> {
    if !is_root() {
        eprintln!("tmpfs skipped: not root");
        return None;
    }
    let point = tempfile::tempdir().unwrap();
    let options = format!("size={size}");
    if !mount(&["-t", "tmpfs", "-o", &options, "tmpfs"], point.path()) {
        eprintln!("tmpfs skipped: mount -t tmpfs failed");
        return None;
    }
    Some(Mount { point })
}

/// Grows a tmpfs made by [`tmpfs`].
pub fn resize(mount: &Mount, size: &str) {
    let options = format!("remount,size={size}");
    assert!(
        self::mount(&["-o", &options], mount.path()),
        "resizing the tmpfs"
    );
}

/// Whether a test that mounts must run here: in CI, which runs as root, it must not skip.
pub fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The files of a folder, by name.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| PathBuf::from(e.unwrap().file_name()))
        .collect();
    names.sort();
    names
}
