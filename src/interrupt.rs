//! Ending waits when Terraform is interrupted.
//!
//! tf-provider passes no cancellation to resources, so the provider keeps one process-wide token and
//! cancels it on either signal of an interrupt:
//! - SIGINT: Ctrl-C reaches the whole process group. The handler also keeps the process alive, since
//!   Terraform still needs the provider's answers to save state;
//! - the `StopProvider` RPC, which Terraform sends when it alone is interrupted. tf-provider handles it
//!   internally, so it is noticed through the trace span its gRPC layer opens for every request.

use std::fmt;

use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer};

/// The gRPC method Terraform calls to interrupt a provider.
pub const STOP_PROVIDER_PATH: &str = "/tfplugin6.Provider/StopProvider";

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

/// A tracing layer that cancels a token when the gRPC server starts serving `StopProvider`.
/// It must see tower-http's DEBUG `request` spans.
pub struct StopProviderLayer {
    token: CancellationToken,
}

impl StopProviderLayer {
    /// A layer cancelling `token`.
    pub fn new(token: CancellationToken) -> Self {
        StopProviderLayer { token }
    }
}

impl<S: Subscriber> Layer<S> for StopProviderLayer {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() != "request" {
            return;
        }
        let mut uri = UriIsStopProvider(false);
        attrs.record(&mut uri);
        if uri.0 && !self.token.is_cancelled() {
            tracing::warn!("Terraform asked the provider to stop: ending waits and returning what exists");
            self.token.cancel();
        }
    }
}

struct UriIsStopProvider(bool);

impl Visit for UriIsStopProvider {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "uri" {
            self.0 = format!("{value:?}").ends_with(STOP_PROVIDER_PATH);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    fn span_for(uri: &str) -> bool {
        let token = CancellationToken::new();
        let subscriber = tracing_subscriber::registry().with(StopProviderLayer::new(token.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let _span = tracing::debug_span!("request", method = %"POST", uri = %uri, version = ?"HTTP/2.0");
        });
        token.is_cancelled()
    }

    #[test]
    fn cancels_on_a_stop_provider_request_only() {
        assert!(span_for(
            "https://127.0.0.1:10000/tfplugin6.Provider/StopProvider"
        ));
        assert!(span_for("/tfplugin6.Provider/StopProvider"));
        assert!(!span_for(
            "https://127.0.0.1:10000/tfplugin6.Provider/ApplyResourceChange"
        ));
    }
}
