//! Output: writes the rendered site into a fresh folder beside the target and
//! swaps it in whole, so a failed build leaves the previous output exactly as
//! it was and a reader never sees half a site.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::render::Output;

/// Written into every output folder. A folder without it was not made by
/// briefing, and we refuse to replace it: it may be someone's documents.
pub const MARKER: &str = ".briefing-output";

/// Make `path` absolute and lexically clean without requiring it to exist.
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("could not read the current folder")?
            .join(path)
    };
    // Resolve symlinks on the longest prefix that exists, so `public` and a
    // symlink to it compare equal.
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => tail.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in tail.into_iter().rev() {
        out.push(part);
    }
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
}

/// Refuse output folders that would overwrite the site's own sources.
pub fn check_output_dir(site_dir: &Path, output: &Path) -> Result<()> {
    let site = absolute(site_dir)?;
    let out = absolute(output)?;
    let shown = output.display();
    if out == site {
        bail!("refusing to write the site into its own folder {shown}: that would replace your sources; use an output folder such as `public`");
    }
    if site.starts_with(&out) {
        bail!("refusing to write into {shown}: it contains the site folder and its content/; choose a folder inside or beside the site, such as `public`");
    }
    for source in ["content", "templates", "static"] {
        if out.starts_with(site.join(source)) {
            bail!("refusing to write into {shown}: it lies inside the site's {source}/ folder; choose a folder such as `public`");
        }
    }
    if out.exists() {
        if !out.is_dir() {
            bail!("refusing to write into {shown}: it is a file, not a folder");
        }
        let has_marker = out.join(MARKER).exists();
        let empty = fs::read_dir(&out)
            .with_context(|| format!("could not read {shown}"))?
            .next()
            .is_none();
        if !has_marker && !empty {
            bail!(
                "refusing to replace {shown}: it holds files that briefing did not write (no {MARKER} marker); remove it yourself or choose another --output"
            );
        }
    }
    Ok(())
}

/// Write `outputs` to `dir`, replacing its previous contents only once every
/// file has been written successfully.
pub fn write(outputs: &[Output], dir: &Path) -> Result<()> {
    let dir = absolute(dir)?;
    let parent = dir
        .parent()
        .context("the output folder has no parent folder")?;
    fs::create_dir_all(parent).with_context(|| format!("could not create {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".briefing-new-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "could not create a temporary folder in {}",
                parent.display()
            )
        })?;

    outputs.par_iter().try_for_each(|o| -> Result<()> {
        let rel = Path::new(&o.path);
        if rel.is_absolute() || rel.components().any(|c| matches!(c, Component::ParentDir)) {
            bail!(
                "refusing to write {}: the path leaves the output folder",
                o.path
            );
        }
        let target = staging.path().join(rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).with_context(|| format!("could not create {}", p.display()))?;
        }
        fs::write(&target, &o.bytes)
            .with_context(|| format!("could not write {}", target.display()))
    })?;
    fs::write(
        staging.path().join(MARKER),
        "This folder is written by `briefing build`; it is replaced on every build.\n",
    )
    .context("could not write the output marker")?;

    // Swap: move the old output aside, move the new one in, then delete the
    // old one. If the second rename fails, put the old one back.
    let staged = staging.keep();
    if dir.exists() {
        let old = tempfile::Builder::new()
            .prefix(".briefing-old-")
            .tempdir_in(parent)
            .context("could not reserve a name for the previous output")?
            .keep();
        fs::remove_dir(&old).ok();
        fs::rename(&dir, &old).with_context(|| {
            format!("could not move the previous output {} aside", dir.display())
        })?;
        if let Err(e) = fs::rename(&staged, &dir) {
            fs::rename(&old, &dir).ok();
            fs::remove_dir_all(&staged).ok();
            return Err(e)
                .with_context(|| format!("could not move the new site into {}", dir.display()));
        }
        fs::remove_dir_all(&old).with_context(|| {
            format!("could not delete the previous output at {}", old.display())
        })?;
    } else if let Err(e) = fs::rename(&staged, &dir) {
        fs::remove_dir_all(&staged).ok();
        return Err(e)
            .with_context(|| format!("could not move the new site into {}", dir.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_folders_that_hold_sources() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        fs::create_dir_all(s.join("content")).unwrap();
        assert!(check_output_dir(s, s).is_err());
        assert!(check_output_dir(s, &s.join("content/out")).is_err());
        assert!(check_output_dir(s, &s.join("templates")).is_err());
        assert!(check_output_dir(s, &s.join("static/x")).is_err());
        assert!(check_output_dir(s, s.parent().unwrap()).is_err());
        assert!(check_output_dir(s, &s.join("public")).is_ok());
    }

    #[test]
    fn refuses_a_folder_briefing_did_not_write() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = check_output_dir(site.path(), &out).unwrap_err().to_string();
        assert!(err.contains("did not write"), "{err}");
    }

    #[test]
    fn write_swaps_in_the_new_site() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let page = |p: &str, b: &str| Output {
            path: p.into(),
            bytes: b.into(),
        };
        write(
            &[page("index.html", "one"), page("old/index.html", "x")],
            &out,
        )
        .unwrap();
        write(&[page("index.html", "two")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("old").exists());
        // Nothing is left behind beside the output.
        let leftovers: Vec<_> = fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }
}
