//! A provider binary started with `-debug`: one process that serves every Terraform command given its
//! `TF_REATTACH_PROVIDERS` line, as Go providers do under a debugger. Shared by the acceptance tests
//! and the benchmarks (included with `#[path]`); killed on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A provider running in debug mode.
pub struct DebugProvider {
    /// The provider process.
    pub child: Child,
    /// The value of `TF_REATTACH_PROVIDERS` the provider printed.
    pub reattach: String,
}

impl DebugProvider {
    /// Starts `binary -debug` and reads its reattach line.
    pub fn start(binary: &Path) -> DebugProvider {
        let mut child = Command::new(binary)
            .arg("-debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the provider in debug mode");
        let stdout = child.stdout.take().expect("stdout");
        let reattach = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                line.trim()
                    .strip_prefix("TF_REATTACH_PROVIDERS='")
                    .and_then(|rest| rest.strip_suffix('\''))
                    .map(str::to_owned)
            })
            .expect("the reattach line");
        DebugProvider { child, reattach }
    }
}

impl Drop for DebugProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
