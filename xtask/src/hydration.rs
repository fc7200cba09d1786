//! Time to hydrated in headless Chromium (issue 11), for `cargo xtask bench`: each page is
//! loaded [`LOADS`] times, each time in a new browser context (an empty cache, as a first
//! visit), timed from the start of navigation to `<body data-hydrated>`, which the application
//! sets once the page is interactive; the median, the fastest and the slowest are kept, with
//! the number of `/pkg/` files the load fetched. Playwright comes from `end2end/node_modules`,
//! Chromium is Debian's, as for the browser tests.

use std::path::Path;
use std::process::Command;

use anyhow::{Context as _, Result, bail};

/// Loads per page.
const LOADS: usize = 7;

/// Arguments: base URL, session cookie (`name=value`), loads, then one `<0|1>:<path>` per page
/// (signed in or not). Prints one line per page: `hydrated <median> <min> <max> <files>`.
const SCRIPT: &str = r#"
const { chromium } = require('playwright');
const [base, cookie, loads, ...pages] = process.argv.slice(1);
(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium' });
  try {
    for (const page of pages) {
      const signedIn = page.startsWith('1:');
      const path = page.slice(2);
      const times = [];
      let files = 0;
      for (let n = 0; n < Number(loads); n++) {
        const context = await browser.newContext();
        if (signedIn) {
          const at = cookie.indexOf('=');
          await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: base }]);
        }
        const tab = await context.newPage();
        let fetched = 0;
        tab.on('response', response => { if (new URL(response.url()).pathname.startsWith('/pkg/')) fetched++; });
        const started = Date.now();
        await tab.goto(base + path);
        await tab.waitForSelector('body[data-hydrated]', { timeout: 30000 });
        times.push(Date.now() - started);
        files = fetched;
        await context.close();
      }
      times.sort((a, b) => a - b);
      console.log(`hydrated ${times[Math.floor(times.length / 2)]} ${times[0]} ${times[times.length - 1]} ${files}`);
    }
  } finally {
    await browser.close();
  }
})().catch(error => { console.error(error); process.exit(1); });
"#;

/// One page's time to hydrated.
pub struct Hydration {
    pub name: &'static str,
    pub path: &'static str,
    pub median_ms: u64,
    pub min_ms: u64,
    pub max_ms: u64,
    pub files: u64,
}

/// Times each of `pages` (name, path, signed in) on the server at `address`.
pub fn measure(
    root: &Path,
    address: &str,
    cookie: &str,
    pages: &[(&'static str, &'static str, bool)],
) -> Result<Vec<Hydration>> {
    println!("\n==> Time to hydrated, headless Chromium ({LOADS} cold loads a page)");
    let output = Command::new("node")
        .arg("-e")
        .arg(SCRIPT)
        .arg(format!("http://{address}"))
        .arg(cookie)
        .arg(LOADS.to_string())
        .args(
            pages
                .iter()
                .map(|(_, path, signed_in)| format!("{}:{path}", u8::from(*signed_in))),
        )
        // `require('playwright')` resolves from here.
        .current_dir(root.join("end2end"))
        .output()
        .context("could not run node")?;
    if !output.status.success() {
        bail!(
            "timing hydration failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let lines = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix("hydrated "))
        .map(|figures| {
            figures
                .split(' ')
                .map(str::parse::<u64>)
                .collect::<Result<Vec<u64>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()
        .context("timing hydration printed a figure that is not a number")?;
    if lines.len() != pages.len() || lines.iter().any(|figures| figures.len() != 4) {
        bail!(
            "timing hydration gave {} figures for {} pages",
            lines.len(),
            pages.len()
        );
    }
    Ok(pages
        .iter()
        .zip(lines)
        .map(|((name, path, _), figures)| Hydration {
            name,
            path,
            median_ms: figures[0],
            min_ms: figures[1],
            max_ms: figures[2],
            files: figures[3],
        })
        .collect())
}

/// The table of the report.
pub fn report(timed: &[Hydration]) -> String {
    let mut out = format!(
        "\nTime to hydrated: headless Chromium on loopback, a new browser context (empty cache) \
         for each of {LOADS} loads a page, from navigation to `<body data-hydrated>`.\n\n\
         | page | median ms | fastest–slowest ms | `/pkg/` files |\n|---|---:|---:|---:|\n"
    );
    for page in timed {
        out.push_str(&format!(
            "| {} (`{}`) | {} | {}–{} | {} |\n",
            page.name, page.path, page.median_ms, page.min_ms, page.max_ms, page.files
        ));
    }
    out
}
