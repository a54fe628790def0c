//! AutoMTLS, as go-plugin does it: the server makes its own certificate at start (given to Terraform in
//! the handshake line), and accepts only the client certificate Terraform put in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is self-signed, marked as a CA, with a P-521 key. WebPKI refuses a CA
//! certificate as a client's, so the client certificate is pinned instead: the one presented must be
//! byte for byte the one announced, and its handshake signature is checked with aws-lc-rs, which
//! verifies P-521.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, Error, ServerConfig, SignatureScheme};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` holds no PEM certificate.
    #[error("PLUGIN_CLIENT_CERT holds no PEM certificate")]
    NoClientCertificate,
    /// The server certificate could not be made.
    #[error("could not make the server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("could not set up TLS: {0}")]
    Rustls(#[from] Error),
}

/// The server's TLS: its configuration, and its certificate (DER) for the handshake line.
pub struct ServerTls {
    /// The rustls configuration (client certificate required, ALPN h2).
    pub config: Arc<ServerConfig>,
    /// The server's certificate, DER.
    pub certificate: Vec<u8>,
}

/// Makes a server certificate for `localhost` and a configuration that accepts only the client
/// certificate in `client_pem`.
pub fn server_tls(client_pem: &str) -> Result<ServerTls, TlsError> {
    let client = CertificateDer::pem_slice_iter(client_pem.as_bytes())
        .next()
        .and_then(Result::ok)
        .ok_or(TlsError::NoClientCertificate)?;
    let (certificate, key) = server_certificate()?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = PinnedClient {
        expected: client.into_owned(),
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![CertificateDer::from(certificate.clone())], key)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(ServerTls {
        config: Arc::new(config),
        certificate,
    })
}

/// A fresh self-signed certificate for `localhost` (P-256), valid for server and client use.
fn server_certificate() -> Result<(Vec<u8>, PrivateKeyDer<'static>), rcgen::Error> {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.not_before = time::OffsetDateTime::now_utc() - time::Duration::seconds(30);
    let key = rcgen::KeyPair::generate()?;
    let certificate = params.self_signed(&key)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((certificate.der().to_vec(), key))
}

/// Accepts exactly one client certificate, and checks that the client holds its key.
#[derive(Debug)]
struct PinnedClient {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClient {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hint: a Go client then offers its certificate whatever its issuer.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
