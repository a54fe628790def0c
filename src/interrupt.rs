//! Ending waits when Terraform is interrupted.
//!
//! An [`Interrupt`] hands each command's operations the token they watch, cancelled on either signal
//! of an interrupt:
//! - SIGINT: Ctrl-C reaches the whole process group. The handler also keeps the process alive, since
//!   Terraform still needs the provider's answers to save state;
//! - the `StopProvider` RPC, which Terraform sends when it alone is interrupted.
//!
//! A stop ends the operations in flight, never later ones: the next configuration (the next command,
//! for a `-debug` provider that serves many) gets a fresh token.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

/// The token of the operations that start now, renewed after each stop.
#[derive(Clone, Debug, Default)]
pub struct Interrupt {
    current: Arc<Mutex<CancellationToken>>,
}

impl Interrupt {
    /// An interrupt that nothing has stopped yet.
    pub fn new() -> Self {
        Interrupt::default()
    }

    /// The token operations starting now watch.
    pub fn current(&self) -> CancellationToken {
        self.current.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Ends the operations in flight (their token is cancelled); those that start later get a new one.
    pub fn stop(&self) {
        if let Ok(mut current) = self.current.lock() {
            current.cancel();
            *current = CancellationToken::new();
        }
    }
}

/// Stops `interrupt` on every SIGINT, instead of letting SIGINT end the process. Needs a Tokio runtime.
pub fn stop_on_sigint(interrupt: Interrupt) -> std::io::Result<()> {
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    tokio::spawn(async move {
        while sigint.recv().await.is_some() {
            tracing::warn!("interrupted (SIGINT): ending waits and returning what exists");
            interrupt.stop();
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Interrupt;

    #[test]
    fn a_stop_ends_what_is_in_flight_and_nothing_that_starts_later() {
        let interrupt = Interrupt::new();
        let in_flight = interrupt.current();
        interrupt.stop();
        assert!(in_flight.is_cancelled());
        let later = interrupt.current();
        assert!(!later.is_cancelled(), "the next command is not interrupted");
        interrupt.clone().stop();
        assert!(later.is_cancelled(), "clones stop the same operations");
    }
}
