//! Where the plugin listens: a Unix socket in a directory only the user can enter, as go-plugin does on
//! Unix, so that no other local user can drive the provider (a debug-mode provider serves plaintext and
//! holds the API token from the environment). TCP on 127.0.0.1 only when asked for
//! (`CNI_PLUGIN_NETWORK=tcp`), within `PLUGIN_MIN_PORT` .. `PLUGIN_MAX_PORT` when Terraform sets them:
//! never silently. A socket path too long for the system (a long `TMPDIR`) is made again in a
//! directory under `/tmp`; when no socket can be made at all, the plugin fails and says how to fix it.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use tokio::net::{TcpListener, UnixListener};

/// The variable that picks TCP instead of a Unix socket.
pub const NETWORK_VAR: &str = "CNI_PLUGIN_NETWORK";

/// A bound listener and what the handshake says of it.
pub enum Bound {
    /// A Unix socket; its directory is removed when this is dropped.
    Unix {
        /// The listener.
        listener: UnixListener,
        /// The socket's path.
        path: PathBuf,
        /// The private directory holding it.
        _dir: tempfile::TempDir,
    },
    /// TCP on 127.0.0.1.
    Tcp(TcpListener),
}

impl Bound {
    /// The go-plugin network name: `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            Bound::Unix { .. } => "unix",
            Bound::Tcp(_) => "tcp",
        }
    }

    /// The address Terraform dials: the socket's path, or `127.0.0.1:PORT`.
    pub fn address(&self) -> std::io::Result<String> {
        match self {
            Bound::Unix { path, .. } => Ok(path.display().to_string()),
            Bound::Tcp(listener) => Ok(listener.local_addr()?.to_string()),
        }
    }
}

/// The directory a private socket directory falls back to when the configured one gives too long a path.
const SHORT_BASE: &str = "/tmp";

/// Binds where the environment says: a Unix socket unless `CNI_PLUGIN_NETWORK=tcp`.
pub async fn bind(env: &dyn Fn(&str) -> Option<String>) -> std::io::Result<Bound> {
    if env(NETWORK_VAR).as_deref() == Some("tcp") {
        return bind_tcp(env).await.map(Bound::Tcp);
    }
    bind_unix(env)
}

/// A socket in a new directory (under `PLUGIN_UNIX_SOCKET_DIR`, else the temp dir) that only this user
/// may enter; under `/tmp` when that fails (a path too long for a socket). An error that says what to
/// set when neither works.
fn bind_unix(env: &dyn Fn(&str) -> Option<String>) -> std::io::Result<Bound> {
    let base = env("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let first = match bind_unix_in(&base) {
        Ok(bound) => return Ok(bound),
        Err(e) => e,
    };
    tracing::debug!(
        "could not make a Unix socket under {} ({first}); trying {SHORT_BASE}",
        base.display()
    );
    bind_unix_in(std::path::Path::new(SHORT_BASE)).map_err(|second| {
        std::io::Error::new(
            first.kind(),
            format!(
                "could not make the plugin's Unix socket under {} ({first}) nor under {SHORT_BASE} \
                 ({second}); set PLUGIN_UNIX_SOCKET_DIR (or TMPDIR) to a short directory this user may \
                 write, or {NETWORK_VAR}=tcp to listen on 127.0.0.1",
                base.display()
            ),
        )
    })
}

/// A socket in a new private directory under `base`.
fn bind_unix_in(base: &std::path::Path) -> std::io::Result<Bound> {
    let dir = tempfile::Builder::new().prefix("plugin").tempdir_in(base)?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
    let path = dir.path().join("plugin.sock");
    let listener = UnixListener::bind(&path)?;
    Ok(Bound::Unix {
        listener,
        path,
        _dir: dir,
    })
}

/// The ports Terraform allows (`PLUGIN_MIN_PORT` .. `PLUGIN_MAX_PORT`), when both are set and sound.
pub fn port_range(env: &dyn Fn(&str) -> Option<String>) -> Option<(u16, u16)> {
    let port = |var: &str| env(var).and_then(|v| v.trim().parse::<u16>().ok());
    match (port("PLUGIN_MIN_PORT"), port("PLUGIN_MAX_PORT")) {
        (Some(min), Some(max)) if min > 0 && min <= max => Some((min, max)),
        _ => None,
    }
}

async fn bind_tcp(env: &dyn Fn(&str) -> Option<String>) -> std::io::Result<TcpListener> {
    let Some((min, max)) = port_range(env) else {
        return TcpListener::bind(("127.0.0.1", 0)).await;
    };
    for port in min..=max {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)).await {
            return Ok(listener);
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AddrInUse,
        format!("no free port from PLUGIN_MIN_PORT {min} to PLUGIN_MAX_PORT {max}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |var: &str| pairs.iter().find(|(k, _)| *k == var).map(|(_, v)| v.to_string())
    }

    #[tokio::test]
    async fn a_unix_socket_in_a_directory_only_the_user_may_enter() {
        let bound = bind(&env(&[])).await.expect("bind");
        assert_eq!(bound.network(), "unix");
        let path = PathBuf::from(bound.address().expect("address"));
        let dir = path.parent().expect("dir").to_owned();
        let mode = std::fs::metadata(&dir).expect("dir").permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
        drop(bound);
        assert!(!dir.exists(), "the directory goes with the server");
    }

    #[tokio::test]
    async fn tcp_when_asked_within_terraforms_port_range() {
        assert_eq!(
            port_range(&env(&[("PLUGIN_MIN_PORT", "10000"), ("PLUGIN_MAX_PORT", "9000")])),
            None
        );
        assert_eq!(port_range(&env(&[("PLUGIN_MIN_PORT", "x")])), None);
        let free = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let vars: &'static [(&'static str, &'static str)] = Box::leak(Box::new([
            (NETWORK_VAR, "tcp"),
            (
                "PLUGIN_MIN_PORT",
                Box::leak(free.to_string().into_boxed_str()) as &str,
            ),
            (
                "PLUGIN_MAX_PORT",
                Box::leak(free.to_string().into_boxed_str()) as &str,
            ),
        ]));
        let bound = bind(&env(vars)).await.expect("bind");
        assert_eq!(bound.network(), "tcp");
        assert_eq!(bound.address().expect("address"), format!("127.0.0.1:{free}"));
    }
}
