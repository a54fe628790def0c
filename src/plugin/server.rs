//! The plugin process: go-plugin's handshake (magic cookie, protocol versions, the handshake line),
//! AutoMTLS, the side services Terraform expects (health, controller, stdio) next to tfplugin6, and the
//! debug mode that serves for `TF_REATTACH_PROVIDERS`.

use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

use crate::interrupt::Interrupt;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status};

use super::listener::{self, Bound};
use super::proto::plugin as go_plugin;
use super::proto::tfplugin6::provider_server::ProviderServer;
use super::registry::Registry;
use super::service::{BoxStream, Service};
use super::tls;

/// The environment variable Terraform sets to show it launched the plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The plugin protocol this provider speaks.
pub const PROTOCOL_VERSION: u32 = 6;
/// The largest gRPC message accepted or sent (prior state and configuration can be large).
const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// How long a finishing connection may take once Terraform asked the plugin to shut down.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// How the plugin is started.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The provider's source address, named in the debug mode's reattach line.
    pub address: String,
    /// Debug mode: plaintext, no cookie, the reattach line instead of the handshake line.
    pub debug: bool,
}

/// Why the plugin cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Started by hand rather than by Terraform.
    #[error(
        "This binary is a plugin. These are not meant to be executed directly.\n\
         Please execute the program that consumes these plugins, which will\n\
         load any plugins automatically"
    )]
    NotLaunchedByTerraform,
    /// Terraform offers no protocol version this plugin speaks.
    #[error("this provider speaks plugin protocol 6; Terraform offered {0}")]
    NoCommonProtocol(String),
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The socket or the gRPC server failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The gRPC server failed.
    #[error("{0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Checks that Terraform launched the plugin and offers protocol 6, as go-plugin's server does.
pub fn check_launch(env: &dyn Fn(&str) -> Option<String>) -> Result<(), ServeError> {
    if env(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    match env("PLUGIN_PROTOCOL_VERSIONS") {
        Some(offered) if !offered.trim().is_empty() => {
            let speaks = offered
                .split(',')
                .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION));
            if speaks {
                Ok(())
            } else {
                Err(ServeError::NoCommonProtocol(offered))
            }
        }
        _ => Ok(()),
    }
}

/// The go-plugin handshake line: `1|6|NETWORK|ADDR|grpc|CERT` (`unix` and a socket path, or `tcp` and
/// `127.0.0.1:PORT`), the certificate base64 (standard alphabet, no padding) of its DER, or empty
/// without TLS.
pub fn handshake_line(network: &str, addr: &str, certificate: Option<&[u8]>) -> String {
    let certificate = certificate
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("1|{PROTOCOL_VERSION}|{network}|{addr}|grpc|{certificate}")
}

/// The line a debug-mode provider prints for `TF_REATTACH_PROVIDERS`.
pub fn reattach_line(address: &str, network: &str, addr: &str, pid: u32) -> String {
    let config = serde_json::json!({
        address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": {"Network": network, "String": addr},
        }
    });
    format!("TF_REATTACH_PROVIDERS='{config}'")
}

/// Serves `registry` until Terraform shuts the plugin down (or, in debug mode, until Ctrl-C).
/// `stop` is what `StopProvider` cancels.
pub async fn serve(registry: Registry, stop: Interrupt, options: ServeOptions) -> Result<(), ServeError> {
    if !options.debug {
        check_launch(&|var| std::env::var(var).ok())?;
    }
    let bound = listener::bind(&|var| std::env::var(var).ok()).await?;
    let (network, addr) = (bound.network(), bound.address()?);
    let shutdown = CancellationToken::new();
    stop_on_sigterm(shutdown.clone())?;
    let router = router(registry, stop, shutdown.clone()).await;
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT")
        .ok()
        .filter(|pem| !pem.trim().is_empty() && !options.debug);
    let server_tls = client_cert.as_deref().map(tls::server_tls).transpose()?;
    announce(
        &options,
        network,
        &addr,
        server_tls.as_ref().map(|t| t.certificate.as_slice()),
    )?;
    if options.debug {
        let ctrl_c = shutdown.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            ctrl_c.cancel();
        });
    }
    let stopped = shutdown.clone().cancelled_owned();
    let served = async {
        match (bound, server_tls) {
            (Bound::Unix { listener, _dir, .. }, Some(tls)) => {
                let accepted = tokio_stream::wrappers::UnixListenerStream::new(listener);
                let served = router
                    .serve_with_incoming_shutdown(tls_incoming(accepted, tls.config), stopped)
                    .await;
                drop(_dir);
                served
            }
            (Bound::Unix { listener, _dir, .. }, None) => {
                let accepted = tokio_stream::wrappers::UnixListenerStream::new(listener);
                let served = router.serve_with_incoming_shutdown(accepted, stopped).await;
                drop(_dir);
                served
            }
            (Bound::Tcp(listener), Some(tls)) => {
                let accepted = tokio_stream::StreamExt::map(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    |accepted| accepted.and_then(without_delay),
                );
                router
                    .serve_with_incoming_shutdown(tls_incoming(accepted, tls.config), stopped)
                    .await
            }
            (Bound::Tcp(listener), None) => {
                let accepted = tokio_stream::StreamExt::map(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    |accepted| accepted.and_then(without_delay),
                );
                router.serve_with_incoming_shutdown(accepted, stopped).await
            }
        }
    };
    tokio::select! {
        result = served => Ok(result?),
        _ = async { shutdown.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => Ok(()),
    }
}

/// Ends the server on SIGTERM as on go-plugin's shutdown, so that the socket's directory is removed
/// instead of left behind.
fn stop_on_sigterm(shutdown: CancellationToken) -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::spawn(async move {
        if terminate.recv().await.is_some() {
            tracing::debug!("SIGTERM: shutting down");
            shutdown.cancel();
        }
    });
    Ok(())
}

/// Prints the handshake line (or, in debug mode, the reattach instructions) on stdout.
fn announce(
    options: &ServeOptions,
    network: &str,
    addr: &str,
    certificate: Option<&[u8]>,
) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if options.debug {
        writeln!(
            stdout,
            "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n\t{}\n",
            reattach_line(&options.address, network, addr, std::process::id())
        )?;
    } else {
        writeln!(stdout, "{}", handshake_line(network, addr, certificate))?;
    }
    stdout.flush()
}

async fn router(
    registry: Registry,
    stop: Interrupt,
    shutdown: CancellationToken,
) -> tonic::transport::server::Router {
    let (mut health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    let provider = ProviderServer::new(Service::new(Arc::new(registry), stop))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(go_plugin::grpc_controller_server::GrpcControllerServer::new(
            Controller { shutdown },
        ))
        .add_service(go_plugin::grpc_stdio_server::GrpcStdioServer::new(Stdio))
        .add_service(provider)
}

/// `plugin.GRPCController`: Terraform's request to end the process.
struct Controller {
    shutdown: CancellationToken,
}

#[tonic::async_trait]
impl go_plugin::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<go_plugin::Empty>) -> Result<Response<go_plugin::Empty>, Status> {
        self.shutdown.cancel();
        Ok(Response::new(go_plugin::Empty {}))
    }
}

/// `plugin.GRPCStdio`: the provider writes nothing to stdout or stderr through it (its logs go to the
/// stderr pipe, which Terraform reads), so the stream ends at once.
struct Stdio;

#[tonic::async_trait]
impl go_plugin::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = BoxStream<go_plugin::StdioData>;

    async fn stream_stdio(&self, _: Request<()>) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(futures::stream::empty())))
    }
}

/// Accepted TLS connections; a connection whose handshake fails (a wrong client certificate) is
/// dropped without ending the server.
/// Turns Nagle's algorithm off on an accepted connection. A gRPC answer is several small HTTP/2 frames
/// (headers, data, trailers); with Nagle on, the last ones wait for the peer's delayed ACK, about 40 ms
/// per call on Linux, which Terraform then pays for every resource of a command.
fn without_delay(tcp: TcpStream) -> std::io::Result<TcpStream> {
    tcp.set_nodelay(true)?;
    Ok(tcp)
}

fn tls_incoming<S, I>(
    mut accepted: I,
    config: Arc<rustls::ServerConfig>,
) -> tokio_stream::wrappers::ReceiverStream<Result<TlsConnection<S>, std::io::Error>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    I: tokio_stream::Stream<Item = std::io::Result<S>> + Unpin + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Some(connection) = tokio_stream::StreamExt::next(&mut accepted).await {
            let stream = match connection {
                Ok(stream) => stream,
                Err(e) => {
                    // Out of file descriptors, say: pause instead of spinning on it.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            if sender.is_closed() {
                return;
            }
            let (acceptor, sender) = (acceptor.clone(), sender.clone());
            tokio::spawn(async move {
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => {
                        let _ = sender.send(Ok(TlsConnection(stream))).await;
                    }
                    Ok(Err(e)) => tracing::warn!("refused a TLS connection: {e}"),
                    Err(_) => tracing::warn!("a TLS handshake timed out"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

/// A TLS connection, as tonic serves it.
pub struct TlsConnection<S>(tokio_rustls::server::TlsStream<S>);

impl<S> Connected for TlsConnection<S> {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for TlsConnection<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TlsConnection<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use tokio::net::TcpListener;

    #[tokio::test]
    async fn accepted_connections_send_without_delay() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let _client = TcpStream::connect(addr).await.expect("connect");
        let (accepted, _) = listener.accept().await.expect("accept");
        assert!(!accepted.nodelay().expect("nodelay"), "Nagle is on by default");
        let accepted = without_delay(accepted).expect("set");
        assert!(accepted.nodelay().expect("nodelay"));
    }

    #[test]
    fn the_handshake_line_names_protocol_address_and_certificate() {
        assert_eq!(
            handshake_line("tcp", "127.0.0.1:10001", None),
            "1|6|tcp|127.0.0.1:10001|grpc|"
        );
        assert_eq!(
            handshake_line("unix", "/tmp/plugin1/plugin.sock", None),
            "1|6|unix|/tmp/plugin1/plugin.sock|grpc|"
        );
        let line = handshake_line("tcp", "127.0.0.1:10001", Some(&[0xde, 0xad, 0xbe, 0xef, 0x01]));
        assert_eq!(line, "1|6|tcp|127.0.0.1:10001|grpc|3q2+7wE");
        assert!(!line.ends_with('='), "no padding");
    }

    #[test]
    fn only_terraform_with_protocol_6_may_launch_it() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |var: &str| pairs.iter().find(|(k, _)| *k == var).map(|(_, v)| v.to_string())
        };
        assert!(matches!(
            check_launch(&env(&[])),
            Err(ServeError::NotLaunchedByTerraform)
        ));
        assert!(check_launch(&env(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)])).is_ok());
        assert!(check_launch(&env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        ]))
        .is_ok());
        assert!(matches!(
            check_launch(&env(&[
                (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                ("PLUGIN_PROTOCOL_VERSIONS", "4,5")
            ])),
            Err(ServeError::NoCommonProtocol(_))
        ));
    }

    #[test]
    fn the_reattach_line_names_the_provider_for_protocol_6_in_test_mode() {
        let line = reattach_line(
            "registry.terraform.io/cnilabs/cni",
            "unix",
            "/tmp/plugin1/plugin.sock",
            42,
        );
        let json = line
            .strip_prefix("TF_REATTACH_PROVIDERS='")
            .and_then(|l| l.strip_suffix('\''))
            .expect("quoted");
        let value: serde_json::Value = serde_json::from_str(json).expect("json");
        let provider = &value["registry.terraform.io/cnilabs/cni"];
        assert_eq!(provider["ProtocolVersion"], 6);
        assert_eq!(provider["Test"], true);
        assert_eq!(provider["Addr"]["Network"], "unix");
        assert_eq!(provider["Addr"]["String"], "/tmp/plugin1/plugin.sock");
    }
}
