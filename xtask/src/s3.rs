//! The S3-protocol server the blob store's tests start: moto (`moto_server`), installed from
//! PyPI into a venv in Cargo's target folder, `<target>/s3-venv`, where the tests also look.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, bail};

use crate::tools::{self, Step, run_step};

/// The moto release installed; a venv holding another one is rebuilt.
const MOTO_VERSION: &str = "5.2.5";

/// What pip installs besides `moto[s3]`: the web framework moto's server runs on (moto's
/// `server` extra would bring every AWS service's dependencies too, three times the size).
const SERVER_REQUIREMENTS: &[&str] = &["flask", "flask-cors"];

/// Makes sure `moto_server` is installed in `<target>/s3-venv` (creating the venv with a Python
/// that has `venv` and `pip`, installing Debian's `python3-venv` if none has) and returns its path.
pub fn ensure_moto(target: &Path) -> Result<PathBuf> {
    let venv = target.join("s3-venv");
    let python = venv.join("bin").join("python");
    let server = venv.join("bin").join("moto_server");
    if server.exists() && installed_moto_version(&python).as_deref() == Some(MOTO_VERSION) {
        return Ok(server);
    }
    let base = python_with_venv()?;
    run_step(
        Step::new(
            &format!("Creating a Python venv for moto in {}", venv.display()),
            &base,
        )
        .args(["-m", "venv", "--clear"])
        .arg(&venv),
    )?;
    run_step(
        Step::new(
            &format!("Installing moto {MOTO_VERSION} from PyPI (the S3 server of the blob tests)"),
            &python,
        )
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(format!("moto[s3]=={MOTO_VERSION}"))
        .args(SERVER_REQUIREMENTS),
    )?;
    if !server.exists() || installed_moto_version(&python).as_deref() != Some(MOTO_VERSION) {
        bail!(
            "moto {MOTO_VERSION} is not in {} after pip install",
            venv.display()
        );
    }
    Ok(server)
}

/// The moto version installed for `python`, if any (and its server's framework with it).
fn installed_moto_version(python: &Path) -> Option<String> {
    let script = "import flask, flask_cors, importlib.metadata as m; print(m.version('moto'))";
    let output = Command::new(python).args(["-c", script]).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A Python that can make a venv with pip in it: Debian's, else the first on PATH; failing
/// both, Debian's after installing `python3-venv`.
fn python_with_venv() -> Result<String> {
    let has_venv = |python: &str| {
        Command::new(python)
            .args(["-c", "import venv, ensurepip"])
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if let Some(python) = ["/usr/bin/python3", "python3"]
        .into_iter()
        .find(|python| has_venv(python))
    {
        return Ok(python.to_owned());
    }
    tools::install_from_apt(&["python3-venv"])?;
    if has_venv("/usr/bin/python3") {
        return Ok("/usr/bin/python3".to_owned());
    }
    bail!("no Python with venv and ensurepip, even after installing python3-venv")
}
