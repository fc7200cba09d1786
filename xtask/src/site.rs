//! Builds what the server serves from `target/site`: the browser bundle (WASM and its JS), the
//! stylesheet and the public assets, then the server binary itself.
//!
//! The tools are the ones cargo-leptos drives (cargo, its WASM splitter, wasm-bindgen,
//! wasm-opt) and the files inside the bundle's folder have the names it gives them
//! (`entente.js`, `entente.wasm`, `entente.css`, `__wasm_split.…js`), so `cargo leptos watch
//! --split` stays usable for anyone who installs it. The two commands do not need
//! it: installing cargo-leptos alone took 19 minutes on a fresh 2-core machine.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

use crate::tools::{Step, run_step};

/// The name Leptos loads the bundle by (`LEPTOS_OUTPUT_NAME` in `.cargo/config.toml`).
const OUTPUT_NAME: &str = "entente";

/// Which build: quick to compile (tests) or small and fast to serve (run, bench).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    std::fs::create_dir_all(site.join("pkg"))
        .with_context(|| format!("could not create {}", site.display()))?;
    let compiled = target
        .join("wasm32-unknown-unknown")
        .join(wasm_folder)
        .join("entente_app.wasm");
    // The bundle is put together in a staging folder, then copied under its content's hash.
    let stage = root.join("target").join("site-stage");
    std::fs::create_dir_all(&stage)
        .with_context(|| format!("could not create {}", stage.display()))?;
    // Splitting, binding and optimizing take seconds (wasm-opt about 20): skip them when the
    // staging folder already holds what this very compiled file produced.
    let stamp = root.join("target").join("site.stamp");
    let source = format!("{} {profile:?}", fingerprint(&compiled)?);
    let up_to_date = std::fs::read_to_string(&stamp).is_ok_and(|stamped| stamped == source)
        && stage.join(format!("{OUTPUT_NAME}.wasm")).exists()
        && stage.join(format!("{OUTPUT_NAME}.js")).exists();
    if up_to_date {
        println!(
            "\n==> The split WASM and its JS bindings in {} are up to date",
            stage.display()
        );
    } else {
        // A new build leaves nothing of the last one behind (its page modules have other names).
        std::fs::remove_dir_all(&stage)
            .with_context(|| format!("could not empty {}", stage.display()))?;
        std::fs::create_dir_all(&stage)?;
        let (main, modules) = split_by_area(&compiled, &stage)?;
        bind_and_optimize(&stage, &main, &modules, profile)?;
        std::fs::write(&stamp, &source)
            .with_context(|| format!("could not write {}", stamp.display()))?;
    }

    let stylesheet = stage.join(format!("{OUTPUT_NAME}.css"));
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
    precompress(&stage, profile)?;
    publish(&stage, &site)
}

/// The file, beside the site's `pkg/`, that names the bundle's folder (`bundle: <hash>`): the
/// server reads it at start and links `/pkg/<hash>/entente.js` and the rest, which it lets
/// browsers keep for a year.
pub const HASH_FILE: &str = "hash.txt";

/// The name of the JS module through which the main WASM loads the pages' modules: the name
/// Leptos' loader expects when the bundle's files are not hashed one by one (ours share a
/// hashed folder). The server links it too (`LOADER` in `app/src/split.rs`).
const SPLIT_LINK: &str = "__wasm_split.______________________.js";

/// The file naming, for each split point, the modules it needs: the server reads it to preload
/// a page's modules with its HTML (`MANIFEST` in `app/src/split.rs`, which says why it is not
/// the name Leptos would read itself).
const SPLIT_MANIFEST: &str = "split-manifest.json";

/// The folder of the bundle the last build published, `target/site/pkg/<hash>`.
pub fn bundle_dir(root: &Path) -> Result<PathBuf> {
    let site = site_root(root);
    let listed = std::fs::read_to_string(site.join(HASH_FILE))
        .with_context(|| format!("no built site at {} (run the build first)", site.display()))?;
    let hash = listed
        .lines()
        .find_map(|line| line.strip_prefix("bundle:"))
        .map(str::trim)
        .context("hash.txt names no bundle")?;
    Ok(site.join("pkg").join(hash))
}

/// Splits the compiled WASM at its `#[lazy]` functions (one an area of pages, `lazy_areas!` in
/// `app/src/lib.rs`): the main module (`entente_split.wasm`, for wasm-bindgen), one module per
/// area and the chunks areas share, the JS that loads them, and the manifest. Returns the main
/// module and the area and chunk modules written.
fn split_by_area(compiled: &Path, stage: &Path) -> Result<(PathBuf, Vec<PathBuf>)> {
    println!("\n==> Splitting the WASM by area of pages (wasm_split_cli_support)");
    let input = std::fs::read(compiled)
        .with_context(|| format!("could not read {}", compiled.display()))?;
    let main_out = stage.join(format!("{OUTPUT_NAME}_split.wasm"));
    let link = format!("./{SPLIT_LINK}");
    let main_module = format!("./{OUTPUT_NAME}.js");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = stage;
        options.main_out_path = &main_out;
        options.link_name = &link;
        options.main_module = &main_module;
        options
    })
    .map_err(|error| anyhow::anyhow!("splitting the WASM failed: {error:?}"))?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map)?;
    std::fs::write(stage.join(SPLIT_MANIFEST), manifest)?;
    println!(
        "    {} area and shared modules beside the main one",
        split.split_modules.len()
    );
    Ok((main_out, split.split_modules))
}

/// Copies the staged bundle to `pkg/<hash>` (the hash of every file in it), names that folder
/// in [`HASH_FILE`], and removes the folders of earlier builds. Inside the folder the files
/// keep their plain names, so the modules' imports of one another need no rewriting.
fn publish(stage: &Path, site: &Path) -> Result<()> {
    use sha2::{Digest as _, Sha256};

    let mut files: Vec<PathBuf> = std::fs::read_dir(stage)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()?;
    files.retain(|path| path.is_file());
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        let name = file.file_name().unwrap_or_default();
        hasher.update(name.as_encoded_bytes());
        hasher.update([0]);
        let bytes =
            std::fs::read(file).with_context(|| format!("could not read {}", file.display()))?;
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    let hash: String = hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();

    let pkg = site.join("pkg");
    let bundle = pkg.join(&hash);
    if !bundle.is_dir() {
        let partial = pkg.join(format!("{hash}.partial"));
        let _ = std::fs::remove_dir_all(&partial);
        std::fs::create_dir_all(&partial)
            .with_context(|| format!("could not create {}", partial.display()))?;
        for file in &files {
            copy(file, &partial.join(file.file_name().unwrap_or_default()))?;
        }
        std::fs::rename(&partial, &bundle)
            .with_context(|| format!("could not name {}", bundle.display()))?;
    }
    for entry in std::fs::read_dir(&pkg)? {
        let path = entry?.path();
        if path != bundle {
            if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            }
            .with_context(|| format!("could not remove {}", path.display()))?;
        }
    }
    let hash_file = site.join(HASH_FILE);
    std::fs::write(&hash_file, format!("bundle: {hash}\n"))
        .with_context(|| format!("could not write {}", hash_file.display()))
}

/// Writes `<file>.gz` next to each WASM, JS and CSS file (and `<file>.br`, brotli at its best,
/// for release), which the server sends as they are instead of compressing megabytes on every
/// request. A compressed copy older than its file is written again; one of an encoding this
/// profile does not make is removed, so a stale copy is never served.
fn precompress(stage: &Path, profile: Profile) -> Result<()> {
    let encodings: &[&str] = match profile {
        Profile::Debug => &["gz"],
        Profile::Release => &["gz", "br"],
    };
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(stage)? {
        let file = entry?.path();
        let served = file.extension().is_some_and(|extension| {
            ["wasm", "js", "css"].contains(&&*extension.to_string_lossy())
        });
        if !served {
            continue;
        }
        let modified = std::fs::metadata(&file)?.modified()?;
        for encoding in ["gz", "br"] {
            let mut copy = file.clone().into_os_string();
            copy.push(format!(".{encoding}"));
            let copy = PathBuf::from(copy);
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

/// Runs wasm-bindgen on the split main module into `stage`, then for release wasm-opt on it
/// and on every area and chunk module, and esbuild on the JS.
fn bind_and_optimize(
    stage: &Path,
    main: &Path,
    modules: &[PathBuf],
    profile: Profile,
) -> Result<()> {
    run_step(
        Step::new("Generating the JS bindings (wasm-bindgen)", "wasm-bindgen")
            .args([
                "--target",
                "web",
                "--no-typescript",
                // The area modules link to the main one by its exports' names.
                "--keep-lld-exports",
                "--no-demangle",
                "--out-name",
                OUTPUT_NAME,
            ])
            .arg("--out-dir")
            .arg(stage)
            .arg(main),
    )?;
    // The split main module was only wasm-bindgen's input: nothing serves it.
    std::fs::remove_file(main).with_context(|| format!("could not remove {}", main.display()))?;
    // Leptos loads `<name>.wasm` when the name was fixed at compile time; wasm-bindgen writes
    // `<name>_bg.wasm`.
    let wasm = stage.join(format!("{OUTPUT_NAME}.wasm"));
    std::fs::rename(stage.join(format!("{OUTPUT_NAME}_bg.wasm")), &wasm)
        .context("wasm-bindgen wrote no WASM file")?;
    if profile == Profile::Release {
        for module in std::iter::once(&wasm).chain(modules) {
            let name = module.file_name().unwrap_or_default().to_string_lossy();
            run_step(
                Step::new(
                    &format!("Optimizing {name} for size (wasm-opt -Oz)"),
                    "wasm-opt",
                )
                .args([
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-nontrapping-float-to-int",
                ])
                .arg(module)
                .arg("-o")
                .arg(module),
            )?;
        }
        for script in [format!("{OUTPUT_NAME}.js"), SPLIT_LINK.to_owned()] {
            let script = stage.join(script);
            minify(&script, &script)?;
        }
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
