//! Builds what the server serves from `target/site`: the browser bundle (WASM and its JS), the
//! stylesheet and the public assets, then the server binary itself.
//!
//! The layout is the one cargo-leptos writes (`pkg/entente.js`, `pkg/entente.wasm`,
//! `pkg/entente.css`) and the tools are the ones it drives (cargo, wasm-bindgen, wasm-opt), so
//! `cargo leptos watch` stays usable for anyone who installs it. The two commands do not need
//! it: installing cargo-leptos alone took 19 minutes on a fresh 2-core machine.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::tools::{Step, run_step};

/// The name Leptos loads the bundle by (`LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`).
const OUTPUT_NAME: &str = "entente";

/// Which build: quick to compile (tests) or small and fast to serve (run, bench).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Cargo's dev profile; no wasm-opt, no minifying.
    Debug,
    /// The server in `release`, the WASM in `wasm-release` through `wasm-opt -Oz`, JS and CSS
    /// minified by esbuild.
    Release,
}

/// The folder the server serves files from (`LEPTOS_SITE_ROOT`).
pub fn site_root(root: &Path) -> PathBuf {
    root.join("target").join("site")
}

/// The server binary a build of `profile` leaves in `target`.
pub fn server_binary(target: &Path, profile: Profile) -> PathBuf {
    let folder = match profile {
        Profile::Debug => "debug",
        Profile::Release => "release",
    };
    target.join(folder).join("entente-server")
}

/// Builds the browser side into `target/site` (see the module documentation).
pub fn build_front(root: &Path, target: &Path, profile: Profile) -> Result<()> {
    let (cargo_profile, wasm_folder) = match profile {
        Profile::Debug => ("dev", "debug"),
        Profile::Release => ("wasm-release", "wasm-release"),
    };
    run_step(
        Step::new(
            "Compiling the browser bundle (entente-app, hydrate, wasm32)",
            "cargo",
        )
        .args([
            "build",
            "-p",
            "entente-app",
            "--lib",
            "--no-default-features",
        ])
        .args([
            "--features",
            "hydrate",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .args(["--profile", cargo_profile])
        .dir(root),
    )?;

    let site = site_root(root);
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).with_context(|| format!("could not create {}", pkg.display()))?;
    let compiled = target
        .join("wasm32-unknown-unknown")
        .join(wasm_folder)
        .join("entente_app.wasm");
    // Binding and optimizing take seconds (wasm-opt about 20): skip them when `pkg` already
    // holds what this very compiled file produced.
    let stamp = root.join("target").join("site.stamp");
    let source = fingerprint(&compiled)?;
    let wasm = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    let script = pkg.join(format!("{OUTPUT_NAME}.js"));
    let up_to_date = std::fs::read_to_string(&stamp).is_ok_and(|stamped| stamped == source)
        && wasm.exists()
        && script.exists();
    if up_to_date {
        println!(
            "\n==> The JS bindings and WASM in {} are up to date",
            pkg.display()
        );
    } else {
        bind_and_optimize(&compiled, &pkg, profile)?;
        std::fs::write(&stamp, &source)
            .with_context(|| format!("could not write {}", stamp.display()))?;
    }

    let stylesheet = pkg.join(format!("{OUTPUT_NAME}.css"));
    let style = root.join("style").join("main.css");
    match profile {
        Profile::Release => minify(&style, &stylesheet)?,
        Profile::Debug => copy(&style, &stylesheet)?,
    }

    let assets = root.join("app").join("public");
    for entry in std::fs::read_dir(&assets)
        .with_context(|| format!("could not read {}", assets.display()))?
    {
        let entry = entry?;
        copy(&entry.path(), &site.join(entry.file_name()))?;
    }
    precompress(&pkg, profile)?;
    name_by_content(&site, &pkg)
}

/// The file, beside the site's `pkg/`, that names each bundle file's content hash (`js: …`,
/// `wasm: …`, `css: …`): Leptos' `hash_files` and the shell read it to link
/// `/pkg/entente.<hash>.js` and the rest, which the server lets browsers keep for a year.
pub const HASH_FILE: &str = "hash.txt";

/// Puts each bundle file (and its compressed copies) also under a name with its content's
/// hash, writes [`HASH_FILE`], and removes hashed files of earlier builds.
fn name_by_content(site: &Path, pkg: &Path) -> Result<()> {
    use sha2::{Digest as _, Sha256};

    let mut lines = String::new();
    let mut keep = Vec::new();
    for extension in ["js", "wasm", "css"] {
        let plain = pkg.join(format!("{OUTPUT_NAME}.{extension}"));
        let bytes =
            std::fs::read(&plain).with_context(|| format!("could not read {}", plain.display()))?;
        let digest = Sha256::digest(&bytes);
        let hash: String = digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        lines.push_str(&format!("{extension}: {hash}\n"));
        for suffix in ["", ".gz", ".br"] {
            let from = pkg.join(format!("{OUTPUT_NAME}.{extension}{suffix}"));
            let to = pkg.join(format!("{OUTPUT_NAME}.{hash}.{extension}{suffix}"));
            keep.push(to.clone());
            if from.exists() && !to.exists() {
                copy(&from, &to)?;
            }
        }
    }
    for entry in std::fs::read_dir(pkg)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let hashed = name.split('.').nth(1).is_some_and(|part| {
            part.len() == 16 && part.bytes().all(|byte| byte.is_ascii_hexdigit())
        });
        if hashed && !keep.contains(&path) {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove {}", path.display()))?;
        }
    }
    let hash_file = site.join(HASH_FILE);
    std::fs::write(&hash_file, lines)
        .with_context(|| format!("could not write {}", hash_file.display()))
}

/// Writes `<file>.gz` next to the WASM, JS and CSS (and `<file>.br`, brotli at its best, for
/// release), which the server sends as they are instead of compressing megabytes on every
/// request. A compressed copy older than its file is written again; one of an encoding this
/// profile does not make is removed, so a stale copy is never served.
fn precompress(pkg: &Path, profile: Profile) -> Result<()> {
    let encodings: &[&str] = match profile {
        Profile::Debug => &["gz"],
        Profile::Release => &["gz", "br"],
    };
    let mut stale = Vec::new();
    for name in ["wasm", "js", "css"].map(|extension| format!("{OUTPUT_NAME}.{extension}")) {
        let file = pkg.join(&name);
        let modified = std::fs::metadata(&file)?.modified()?;
        for encoding in ["gz", "br"] {
            let copy = pkg.join(format!("{name}.{encoding}"));
            let copy_modified = std::fs::metadata(&copy).and_then(|meta| meta.modified());
            if !encodings.contains(&encoding) {
                if copy_modified.is_ok() {
                    std::fs::remove_file(&copy)
                        .with_context(|| format!("could not remove {}", copy.display()))?;
                }
            } else if copy_modified.map_or(true, |copied| copied < modified) {
                stale.push(format!("{encoding}:{}", file.display()));
            }
        }
    }
    if stale.is_empty() {
        return Ok(());
    }
    const SCRIPT: &str = "const fs = require('fs'), zlib = require('zlib');
for (const job of process.argv.slice(1)) {
  const [encoding, file] = [job.slice(0, 2), job.slice(3)];
  const data = fs.readFileSync(file);
  const packed = encoding === 'br'
    ? zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
    : zlib.gzipSync(data, { level: 9 });
  fs.writeFileSync(file + '.' + encoding, packed);
}";
    run_step(
        Step::new("Compressing the WASM, JS and CSS ahead (node zlib)", "node")
            .args(["-e", SCRIPT])
            .args(stale),
    )
}

/// Runs wasm-bindgen on `compiled` into `pkg`, then for release wasm-opt and esbuild.
fn bind_and_optimize(compiled: &Path, pkg: &Path, profile: Profile) -> Result<()> {
    run_step(
        Step::new("Generating the JS bindings (wasm-bindgen)", "wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--out-name",
                OUTPUT_NAME,
            ])
            .arg("--out-dir")
            .arg(pkg)
            .arg(compiled),
    )?;
    // Leptos loads `<name>.wasm` when the name was fixed at compile time; wasm-bindgen writes
    // `<name>_bg.wasm`.
    let wasm = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    std::fs::rename(pkg.join(format!("{OUTPUT_NAME}_bg.wasm")), &wasm)
        .context("wasm-bindgen wrote no WASM file")?;
    if profile == Profile::Release {
        run_step(
            Step::new("Optimizing the WASM for size (wasm-opt -Oz)", "wasm-opt")
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                ])
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm),
        )?;
        let script = pkg.join(format!("{OUTPUT_NAME}.js"));
        minify(&script, &script)?;
    }
    Ok(())
}

/// Which compiled file, of which size and modification time: what `pkg` was built from.
fn fingerprint(compiled: &Path) -> Result<String> {
    let meta = std::fs::metadata(compiled)
        .with_context(|| format!("cargo wrote no {}", compiled.display()))?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    Ok(format!("{} {} {modified}", compiled.display(), meta.len()))
}

/// Builds the server binary for `profile`.
pub fn build_server(root: &Path, profile: Profile) -> Result<()> {
    let mut step = Step::new("Compiling the server (entente-server)", "cargo")
        .args(["build", "-p", "entente-server"])
        .dir(root);
    if profile == Profile::Release {
        step = step.arg("--release");
    }
    run_step(step)
}

/// Minifies one JS or CSS file with esbuild (from `end2end/node_modules`, on PATH).
fn minify(from: &Path, to: &Path) -> Result<()> {
    let name = from.file_name().unwrap_or_default().to_string_lossy();
    // Keep the module's `export`s: Leptos imports the bindings as an ES module.
    let is_script = name.ends_with(".js");
    run_step(
        Step::new(&format!("Minifying {name} (esbuild)"), "esbuild")
            .arg(from)
            .args(is_script.then_some("--format=esm"))
            .arg("--minify")
            .arg("--log-level=warning")
            .arg(format!("--outfile={}", to.display()))
            .arg("--allow-overwrite"),
    )
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(drop)
        .with_context(|| format!("could not copy {} to {}", from.display(), to.display()))
}
