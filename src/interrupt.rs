//! Ending waits when Terraform is interrupted.
//!
//! The provider keeps one process-wide token, cancelled on either signal of an interrupt:
//! - SIGINT: Ctrl-C reaches the whole process group. The handler also keeps the process alive, since
//!   Terraform still needs the provider's answers to save state;
//! - the `StopProvider` RPC, which Terraform sends when it alone is interrupted (the plugin service
//!   cancels the token it was given).

use tokio_util::sync::CancellationToken;

/// Cancels `token` on every SIGINT, instead of letting SIGINT end the process. Needs a Tokio runtime.
pub fn cancel_on_sigint(token: CancellationToken) -> std::io::Result<()> {
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    tokio::spawn(async move {
        while sigint.recv().await.is_some() {
            if !token.is_cancelled() {
                tracing::warn!("interrupted (SIGINT): ending waits and returning what exists");
                token.cancel();
            }
        }
    });
    Ok(())
}
