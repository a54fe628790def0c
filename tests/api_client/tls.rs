//! Transport security: certificates are verified.

use cni::api::{ApiError, Client};
use cni::mock::FIRST_SLOT_ID;

use super::fixtures::*;

/// An HTTPS server on 127.0.0.1 whose certificate no public authority signed; answers every connection
/// with a minimal HTTP response once the handshake succeeds.
async fn self_signed_https_server() -> std::net::SocketAddr {
    use std::sync::Arc;
    use tokio::io::AsyncWriteExt;
    use tokio_rustls::rustls;

    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).expect("cert");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let _ = tls
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                    .await;
            }
        }
    });
    addr
}

#[tokio::test]
async fn tls_certificates_are_verified_and_an_untrusted_one_is_refused() {
    let addr = self_signed_https_server().await;
    let mock = mock().await;
    let mut config = config(&mock);
    config.base_url = format!("https://localhost:{}/client/v4", addr.port())
        .parse()
        .expect("url");
    config.retry.max_retries = 0;
    let err = Client::new(config)
        .expect("client")
        .get_slot(ACCOUNT, FIRST_SLOT_ID)
        .await
        .expect_err("untrusted");
    assert!(matches!(err, ApiError::Transport { .. }), "{err}");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate"),
        "the error names the certificate: {text}"
    );
}
