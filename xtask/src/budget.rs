//! The performance budget `cargo xtask test` checks (issue 11): `docs/budget.txt` holds, per
//! page, the most Callgrind instructions a request may cost as a ratio to the empty Leptos page
//! of the same binary, and the most bytes a first visit downloads (gzip, as served). The debug
//! server the browser tests use runs under Callgrind with the floors on, signed in as the
//! demo's Northwind administrator; a page over its budget fails the run with its figure.
//! Instruction counts are repeatable whatever else the machine does, so the check cannot be
//! flaky the way a timing would be. Debug figures are not release figures (`cargo xtask
//! bench` measures those): the budget is a tripwire for a change that multiplies a page's work.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::measure::{Callgrind, DemoSite, sign_in};
use crate::site::{self, Profile};

/// One line of the budget.
#[derive(Debug, PartialEq)]
enum Limit {
    /// `ratio <path> <most>`: instructions per request of a signed-in GET of `path` over the
    /// empty Leptos page's (`/` is asked signed out too).
    Ratio(String, f64),
    /// `first-load-gzip-bytes <most>`: the WASM, JS and CSS a first visit downloads.
    Bytes(u64),
}

fn parse(text: &str) -> Result<Vec<Limit>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["ratio", path, most] => Ok(Limit::Ratio((*path).to_owned(), most.parse()?)),
                ["first-load-gzip-bytes", most] => Ok(Limit::Bytes(most.parse()?)),
                _ => bail!("docs/budget.txt: a line it cannot read: {line}"),
            }
        })
        .collect()
}

/// Requests per page under Callgrind, after two warm-up ones.
const REQUESTS: u64 = 12;

/// Checks the budget against the debug server and bundle already built.
pub fn check(root: &Path, target_dir: &Path) -> Result<()> {
    let limits =
        parse(&std::fs::read_to_string(root.join("docs/budget.txt")).context("docs/budget.txt")?)?;
    let site = DemoSite::seed(root, target_dir, Profile::Debug, "budget")?;
    let outcome = measure(
        &site.server,
        &site.envs,
        &site.address,
        &site.data_dir,
        &limits,
    );
    drop(site);
    let mut failures = outcome?;
    let bytes = first_load_gzip(&site::site_root(root).join("pkg"))?;
    for limit in &limits {
        if let Limit::Bytes(most) = limit {
            let verdict = if bytes > *most { "OVER" } else { "ok" };
            println!("    first load, gzip: {bytes} B (budget {most} B) {verdict}");
            if bytes > *most {
                failures.push(format!(
                    "the first load is {bytes} B gzip, over its {most} B"
                ));
            }
        }
    }
    if !failures.is_empty() {
        bail!(
            "over budget (docs/budget.txt):\n  {}",
            failures.join("\n  ")
        );
    }
    Ok(())
}

/// Measures every page of the budget; returns what is over.
fn measure(
    server: &Path,
    envs: &[(String, String)],
    address: &str,
    data_dir: &Path,
    limits: &[Limit],
) -> Result<Vec<String>> {
    println!("\n==> Budget: instructions per request under Callgrind (debug build)");
    let mut callgrind = Callgrind::start(server, envs, address, &data_dir.join("callgrind"))?;
    let outcome = (|| {
        let cookie = sign_in(address, "admin@northwind.example", "entente-demo")?;
        let floor = callgrind.per_request("/bench/empty-leptos", None, 2, REQUESTS)?;
        println!("    empty Leptos page: {floor} instructions per request");
        let mut failures = Vec::new();
        for limit in limits {
            let Limit::Ratio(path, most) = limit else {
                continue;
            };
            let count = callgrind.per_request(path, Some(&cookie), 2, REQUESTS)?;
            let ratio = count as f64 / floor.max(1) as f64;
            let verdict = if ratio > *most { "OVER" } else { "ok" };
            println!("    {path}: {count} instructions, {ratio:.2}x (budget {most}x) {verdict}");
            if ratio > *most {
                failures.push(format!(
                    "{path} costs {ratio:.2}x the empty Leptos page ({count} instructions), over its {most}x"
                ));
            }
        }
        Ok::<_, anyhow::Error>(failures)
    })();
    callgrind.stop();
    outcome
}

/// The gzip bytes of the WASM, JS and CSS a first visit downloads, as served (the build's
/// `.gz` copies; the content-hashed names pages link hold the same bytes).
fn first_load_gzip(pkg: &Path) -> Result<u64> {
    ["entente.wasm.gz", "entente.js.gz", "entente.css.gz"]
        .iter()
        .map(|name| {
            let path = pkg.join(name);
            Ok(std::fs::metadata(&path)
                .with_context(|| format!("no {} (build the site first)", path.display()))?
                .len())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_reads_ratios_and_bytes_and_refuses_anything_else() {
        let text = "# a comment\n\nratio /settings/partners 6.5\nfirst-load-gzip-bytes 2500000\n";
        assert_eq!(
            parse(text).unwrap(),
            [
                Limit::Ratio("/settings/partners".into(), 6.5),
                Limit::Bytes(2_500_000)
            ]
        );
        assert!(parse("ratio /contacts").is_err());
        assert!(parse("ratio /contacts many").is_err());
        assert!(parse("speed fast").is_err());
    }
}
