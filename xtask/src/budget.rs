//! The performance budget `cargo xtask test` checks (issue 11): `docs/budget.txt` holds, per
//! page, the most Callgrind instructions a request may cost as a ratio to the empty Leptos page
//! of the same binary, and per page the most bytes a first visit downloads (gzip, as served: the
//! bundle is split by area of pages, so each page has its own). The debug
//! server the browser tests use runs under Callgrind with the floors on, signed in as the
//! demo's Northwind administrator; a page over its budget fails the run with its figure.
//! Instruction counts are repeatable whatever else the machine does, so the check cannot be
//! flaky the way a timing would be. Debug figures are not release figures (`cargo xtask
//! bench` measures those): the budget is a tripwire for a change that multiplies a page's work.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use crate::measure::{Callgrind, DemoSite, first_load, served_bytes, sign_in};
use crate::site::{self, Profile};

/// One line of the budget.
#[derive(Debug, PartialEq)]
enum Limit {
    /// `ratio <path> <most>`: instructions per request of a signed-in GET of `path` over the
    /// empty Leptos page's (`/` is asked signed out too).
    Ratio(String, f64),
    /// `first-load-gzip-bytes <visitor|admin> <path> <most>`: the WASM, JS and CSS a first
    /// visit of `path` downloads, signed out or signed in.
    Bytes {
        signed_in: bool,
        path: String,
        most: u64,
    },
}

fn parse(text: &str) -> Result<Vec<Limit>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["ratio", path, most] => Ok(Limit::Ratio((*path).to_owned(), most.parse()?)),
                [
                    "first-load-gzip-bytes",
                    who @ ("visitor" | "admin"),
                    path,
                    most,
                ] => Ok(Limit::Bytes {
                    signed_in: *who == "admin",
                    path: (*path).to_owned(),
                    most: most.parse()?,
                }),
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
        &site::site_root(root),
    );
    drop(site);
    let failures = outcome?;
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
    site_root: &Path,
) -> Result<Vec<String>> {
    println!("\n==> Budget: instructions per request under Callgrind (debug build)");
    let mut callgrind = Callgrind::start(server, envs, address, &data_dir.join("callgrind"))?;
    let outcome = (|| {
        let cookie = sign_in(address, "admin@northwind.example", "entente-demo")?;
        // The pages are counted first and judged after a second count of the floor: work the
        // server still did in the background (the demo's previews, on a busy machine) inflates
        // a count, and an inflated floor would let every page pass. The smaller floor counts.
        let floor_before = callgrind.per_request("/bench/empty-leptos", None, 2, REQUESTS)?;
        let mut counted = Vec::new();
        for limit in limits {
            if let Limit::Ratio(path, most) = limit {
                let count = callgrind.per_request(path, Some(&cookie), 2, REQUESTS)?;
                counted.push((path, *most, count));
            }
        }
        let floor_after = callgrind.per_request("/bench/empty-leptos", None, 2, REQUESTS)?;
        let floor = floor_before.min(floor_after);
        println!(
            "    empty Leptos page: {floor} instructions per request (counted {floor_before} \
             before the pages, {floor_after} after)"
        );
        let mut failures = Vec::new();
        for (path, most, count) in counted {
            let ratio = count as f64 / floor.max(1) as f64;
            let verdict = if ratio > most { "OVER" } else { "ok" };
            println!("    {path}: {count} instructions, {ratio:.2}x (budget {most}x) {verdict}");
            if ratio > most {
                failures.push(format!(
                    "{path} costs {ratio:.2}x the empty Leptos page ({count} instructions), over its {most}x"
                ));
            }
        }
        for limit in limits {
            let Limit::Bytes {
                signed_in,
                path,
                most,
            } = limit
            else {
                continue;
            };
            let cookie = signed_in.then_some(cookie.as_str());
            let files = first_load(address, path, cookie)?;
            let bytes = served_bytes(site_root, &files, "gz")?;
            let verdict = if bytes > *most { "OVER" } else { "ok" };
            println!(
                "    first load of {path}, gzip: {bytes} B in {} files (budget {most} B) {verdict}",
                files.len()
            );
            if bytes > *most {
                failures.push(format!(
                    "the first load of {path} is {bytes} B gzip, over its {most} B"
                ));
            }
        }
        Ok::<_, anyhow::Error>(failures)
    })();
    callgrind.stop();
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_reads_ratios_and_bytes_and_refuses_anything_else() {
        let text = "# a comment\n\nratio /settings/partners 6.5\n\
                    first-load-gzip-bytes admin /contacts 2500000\n\
                    first-load-gzip-bytes visitor /sign-in 900000\n";
        assert_eq!(
            parse(text).unwrap(),
            [
                Limit::Ratio("/settings/partners".into(), 6.5),
                Limit::Bytes {
                    signed_in: true,
                    path: "/contacts".into(),
                    most: 2_500_000
                },
                Limit::Bytes {
                    signed_in: false,
                    path: "/sign-in".into(),
                    most: 900_000
                },
            ]
        );
        assert!(parse("first-load-gzip-bytes 2500000").is_err());
        assert!(parse("first-load-gzip-bytes someone /contacts 2500000").is_err());
        assert!(parse("ratio /contacts").is_err());
        assert!(parse("ratio /contacts many").is_err());
        assert!(parse("speed fast").is_err());
    }
}
