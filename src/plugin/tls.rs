//! AutoMTLS, as go-plugin does it: the server makes its own certificate at start (given to Terraform in
//! the handshake line), and accepts only the client certificate Terraform put in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is self-signed, marked as a CA, with a P-521 key. WebPKI refuses a CA
//! certificate as a client's, so the client certificate is pinned instead: the one presented must be
//! byte for byte the one announced. Its handshake signature is checked with ring's algorithms, plus
//! ECDSA P-521/SHA-512 (which ring lacks) from the `p521` crate: a whole second crypto library would
//! cost every start of the provider some 20 ms of initialisation.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{
    alg_id, AlgorithmIdentifier, CertificateDer, InvalidSignature, PrivateKeyDer, PrivatePkcs8KeyDer,
    SignatureVerificationAlgorithm, UnixTime,
};
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = PinnedClient {
        expected: client.into_owned(),
        algorithms: provider.signature_verification_algorithms,
    };
    let mut config = ServerConfig::builder_with_provider(provider)
        // TLS 1.3 only, as go-plugin serves it: Terraform's P-521 client certificate then signs with
        // a scheme every check here knows.
        .with_protocol_versions(&[&rustls::version::TLS13])?
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
        verify_tls12_signature(message, cert, dss, self.algorithms_for(dss.scheme))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, self.algorithms_for(dss.scheme))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        let mut schemes = self.algorithms.supported_schemes();
        schemes.push(SignatureScheme::ECDSA_NISTP521_SHA512);
        schemes
    }
}

impl PinnedClient {
    fn algorithms_for(&self, scheme: SignatureScheme) -> &WebPkiSupportedAlgorithms {
        if scheme == SignatureScheme::ECDSA_NISTP521_SHA512 {
            &P521_ONLY
        } else {
            &self.algorithms
        }
    }
}

/// ECDSA over P-521 with SHA-512, the signature of Terraform's client key.
#[derive(Debug)]
struct EcdsaP521Sha512;

impl SignatureVerificationAlgorithm for EcdsaP521Sha512 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        use p521::ecdsa::signature::Verifier;
        let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(public_key).map_err(|_| InvalidSignature)?;
        let signature = p521::ecdsa::Signature::from_der(signature).map_err(|_| InvalidSignature)?;
        key.verify(message, &signature).map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_P521
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ECDSA_SHA512
    }
}

static P521: EcdsaP521Sha512 = EcdsaP521Sha512;

static P521_ONLY: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[&P521],
    mapping: &[(SignatureScheme::ECDSA_NISTP521_SHA512, &[&P521])],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p521_signatures_verify_and_forgeries_do_not() {
        use p521::ecdsa::signature::Signer;
        use p521::ecdsa::{Signature, SigningKey, VerifyingKey};
        let key = SigningKey::random(&mut p521::elliptic_curve::rand_core::OsRng);
        let public = VerifyingKey::from(&key).to_encoded_point(false);
        let message = b"TLS 1.3, client CertificateVerify";
        let signature: Signature = key.sign(message);
        let der = signature.to_der();
        assert!(P521
            .verify_signature(public.as_bytes(), message, der.as_bytes())
            .is_ok());
        assert!(P521
            .verify_signature(public.as_bytes(), b"another message", der.as_bytes())
            .is_err());
        let other = SigningKey::random(&mut p521::elliptic_curve::rand_core::OsRng);
        let other_public = VerifyingKey::from(&other).to_encoded_point(false);
        assert!(P521
            .verify_signature(other_public.as_bytes(), message, der.as_bytes())
            .is_err());
    }

    #[test]
    fn the_server_offers_p521_for_client_signatures() {
        let pem = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .and_then(|p| p.self_signed(&rcgen::KeyPair::generate()?))
            .expect("certificate")
            .pem();
        let tls = server_tls(&pem).expect("server TLS");
        assert!(!tls.certificate.is_empty());
        assert_eq!(tls.config.alpn_protocols, vec![b"h2".to_vec()]);
        let verifier = PinnedClient {
            expected: CertificateDer::from(vec![1, 2, 3]),
            algorithms: rustls::crypto::ring::default_provider().signature_verification_algorithms,
        };
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
        assert!(verifier
            .verify_client_cert(&CertificateDer::from(vec![1, 2, 4]), &[], UnixTime::now())
            .is_err());
    }
}
