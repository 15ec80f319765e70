//! Compiles every file under `content/` into the crate: a generated table of
//! `include_str!`s, so adding a page is adding a file, and the binary never reads the disk.
//! Each file also gets the date of the last commit that touched it, when git knows it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let content = root.join("content");
    println!("cargo::rerun-if-changed=content");
    let mut files = Vec::new();
    collect(&content, &mut files);
    files.sort();

    let mut out = String::from("pub static FILES: &[SourceFile] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&content)
            .expect("under content/")
            .to_string_lossy()
            .replace('\\', "/");
        let updated = last_commit_date(&root, file)
            .map_or_else(|| "None".to_owned(), |date| format!("Some({date:?})"));
        out.push_str(&format!(
            "    SourceFile {{ path: {relative:?}, source: include_str!({:?}), updated: {updated} }},\n",
            file.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let target =
        PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo")).join("content_files.rs");
    fs::write(target, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|err| panic!("{}: {err}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.is_dir() {
            println!("cargo::rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|ext| ext.to_str()),
            Some("md" | "toml")
        ) {
            files.push(path);
        }
    }
}

/// `YYYY-MM-DD` of the last commit touching `file`; `None` outside a git checkout.
fn last_commit_date(root: &Path, file: &Path) -> Option<String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["log", "-1", "--format=%cs", "--"])
        .arg(file)
        .output()
        .ok()?;
    let date = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (output.status.success() && date.len() == 10).then_some(date)
}
