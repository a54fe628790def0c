//! The plugin binary as Terraform's go-plugin client sees it: the magic-cookie check, the handshake
//! line, AutoMTLS with a client certificate like Terraform's (self-signed and a CA; P-384 here, since
//! ring cannot sign with P-521 — Terraform's own P-521 certificates are what every acceptance test
//! runs with, and `plugin::tls` unit-tests P-521 signatures), a wrong client certificate refused, and
//! RPCs over the real connection: the schema, StopProvider and UpgradeResourceState of a state that
//! holds an attribute the schema no longer has.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine;
use cni::plugin::proto::tfplugin6 as pb;
use cni::plugin::server::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use hyper_util::rt::TokioIo;
use pb::provider_client::ProviderClient;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tonic::transport::{Channel, Endpoint, Uri};

/// A client certificate made as go-plugin makes Terraform's: self-signed, CA, client and server use.
fn terraform_like_certificate() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "HashiCorp");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("P-384 key");
    let cert = params.self_signed(&key).expect("self-signed");
    let der = cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.pem(), der, key)
}

/// The provider, started as Terraform starts it; its handshake line's fields.
struct Plugin {
    child: Child,
    fields: Vec<String>,
}

impl Plugin {
    fn start(client_pem: Option<&str>) -> Plugin {
        Plugin::start_binary(env!("CARGO_BIN_EXE_terraform-provider-cni"), client_pem)
    }

    fn start_binary(binary: &str, client_pem: Option<&str>) -> Plugin {
        Plugin::start_with(binary, client_pem, &[])
    }

    fn start_with(binary: &str, client_pem: Option<&str>, env: &[(&str, &str)]) -> Plugin {
        let mut command = Command::new(binary);
        command.envs(env.iter().copied());
        command
            .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
            .env_remove("PLUGIN_CLIENT_CERT")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(pem) = client_pem {
            command.env("PLUGIN_CLIENT_CERT", pem);
        }
        let mut child = command.spawn().expect("start the provider");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("handshake line");
        let fields = line.trim().split('|').map(str::to_owned).collect();
        Plugin { child, fields }
    }

    fn address(&self) -> String {
        self.fields[3].clone()
    }

    /// A plaintext gRPC channel to wherever the handshake line says (a Unix socket, or TCP).
    async fn plaintext_channel(&self) -> Channel {
        let (network, address) = (self.fields[2].clone(), self.address());
        let endpoint = Endpoint::try_from("http://localhost").expect("endpoint");
        let channel = match network.as_str() {
            "unix" => {
                endpoint
                    .connect_with_connector(tower::service_fn(move |_: Uri| {
                        let address = address.clone();
                        async move {
                            let unix = tokio::net::UnixStream::connect(address).await?;
                            Ok::<_, std::io::Error>(TokioIo::new(unix))
                        }
                    }))
                    .await
            }
            _ => {
                Endpoint::try_from(format!("http://{address}"))
                    .expect("endpoint")
                    .connect()
                    .await
            }
        };
        channel.expect("connect")
    }

    fn certificate(&self) -> CertificateDer<'static> {
        let der = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(&self.fields[5])
            .expect("raw standard base64");
        CertificateDer::from(der)
    }

    /// A gRPC channel over TLS, trusting only the handshake's certificate, presenting `identity`.
    async fn tls_channel(
        &self,
        identity: (CertificateDer<'static>, PrivateKeyDer<'static>),
    ) -> Result<Channel, tonic::transport::Error> {
        self.tls_channel_over(identity, rustls::DEFAULT_VERSIONS).await
    }

    /// [`Plugin::tls_channel`] offering only the TLS `versions`.
    async fn tls_channel_over(
        &self,
        identity: (CertificateDer<'static>, PrivateKeyDer<'static>),
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> Result<Channel, tonic::transport::Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(self.certificate())
            .expect("trust the server certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .expect("versions")
            .with_root_certificates(roots)
            .with_client_auth_cert(vec![identity.0], identity.1)
            .expect("client auth");
        config.alpn_protocols = vec![b"h2".to_vec()];
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let address = self.address();
        Endpoint::try_from("http://localhost")
            .expect("endpoint")
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let (connector, address) = (connector.clone(), address.clone());
                async move {
                    let unix = tokio::net::UnixStream::connect(address).await?;
                    let name = ServerName::try_from("localhost").expect("name");
                    let tls = connector.connect(name, unix).await?;
                    Ok::<_, std::io::Error>(TokioIo::new(tls))
                }
            }))
            .await
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn run_by_hand_it_says_it_is_a_plugin_and_exits_non_zero() {
    let output = Command::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))
        .env_remove(MAGIC_COOKIE_KEY)
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no handshake line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("This binary is a plugin"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_terraform-provider-cni"))
        .env(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("plugin protocol 6"));
}

/// The provider schema, asked for over a plaintext channel.
async fn plaintext_schema(plugin: &Plugin) -> pb::get_provider_schema::Response {
    let mut client = ProviderClient::new(plugin.plaintext_channel().await);
    client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("schema")
        .into_inner()
}

#[tokio::test]
async fn without_automtls_it_serves_plaintext_grpc() {
    let plugin = Plugin::start(None);
    assert_eq!(&plugin.fields[..3], ["1", "6", "unix"]);
    assert_eq!(
        (plugin.fields[4].as_str(), plugin.fields[5].as_str()),
        ("grpc", "")
    );
    let schema = plaintext_schema(&plugin).await;
    assert!(schema.resource_schemas.contains_key("cni_interconnect"));
    assert!(schema.data_source_schemas.contains_key("cni_slots"));
}

/// Where a Unix socket cannot serve, TCP on 127.0.0.1 within Terraform's port range.
#[tokio::test]
async fn on_request_it_serves_tcp_within_plugin_min_and_max_port() {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
        .to_string();
    let plugin = Plugin::start_with(
        env!("CARGO_BIN_EXE_terraform-provider-cni"),
        None,
        &[
            ("CNI_PLUGIN_NETWORK", "tcp"),
            ("PLUGIN_MIN_PORT", &free),
            ("PLUGIN_MAX_PORT", &free),
        ],
    );
    assert_eq!(&plugin.fields[..3], ["1", "6", "tcp"]);
    assert_eq!(plugin.address(), format!("127.0.0.1:{free}"));
    let schema = plaintext_schema(&plugin).await;
    assert!(schema.resource_schemas.contains_key("cni_interconnect"));
}

/// The socket lives in a directory no other user may enter.
#[test]
fn the_socket_is_in_a_directory_only_the_user_may_enter() {
    use std::os::unix::fs::PermissionsExt;
    let plugin = Plugin::start(None);
    let socket = std::path::PathBuf::from(plugin.address());
    let dir = socket.parent().expect("a directory");
    let mode = std::fs::metadata(dir).expect("dir").permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "{}", dir.display());
}

/// A temp dir too long for a socket's path: the socket goes to a short private directory, never to TCP.
#[tokio::test]
async fn a_temp_dir_too_long_for_a_socket_gives_a_short_private_directory_never_tcp() {
    let long = tempfile::tempdir().expect("temp dir");
    let deep = long.path().join("d".repeat(100)).join("e".repeat(60));
    std::fs::create_dir_all(&deep).expect("a long directory");
    let deep_text = deep.display().to_string();
    let plugin = Plugin::start_with(
        env!("CARGO_BIN_EXE_terraform-provider-cni"),
        None,
        &[("TMPDIR", deep_text.as_str())],
    );
    assert_eq!(plugin.fields[2], "unix", "no silent TCP: {:?}", plugin.fields);
    assert!(
        plugin.address().starts_with("/tmp/plugin"),
        "{}",
        plugin.address()
    );
    let schema = plaintext_schema(&plugin).await;
    assert!(schema.resource_schemas.contains_key("cni_connection"));
}

/// A provider ended by SIGTERM removes its socket's directory.
#[test]
fn sigterm_removes_the_socket_directory() {
    let mut plugin = Plugin::start(None);
    let socket = std::path::PathBuf::from(plugin.address());
    let dir = socket.parent().expect("a directory").to_owned();
    assert!(dir.exists());
    let pid = nix::unistd::Pid::from_raw(plugin.child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = plugin.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running 10 s after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(!dir.exists(), "{} left behind", dir.display());
}

/// A Terraform that cannot keep write-only values out of state (1.1 to 1.10: no
/// `write_only_attributes_allowed`) gets a plan error for `md5_key_wo` pointing to `bgp.md5_key`; one
/// that can does not.
#[tokio::test]
async fn md5_key_wo_is_refused_for_a_terraform_before_1_11_pointing_to_bgp_md5_key() {
    let plugin = Plugin::start(None);
    let mut client = ProviderClient::new(plugin.plaintext_channel().await);
    let config = rmpv::Value::Map(vec![
        ("md5_key_wo".into(), "s3cret-md5".into()),
        ("md5_key_wo_version".into(), 1.into()),
    ]);
    let mut msgpack = Vec::new();
    rmpv::encode::write_value(&mut msgpack, &config).expect("msgpack");
    let validate = |allowed: bool| pb::validate_resource_config::Request {
        type_name: "cni_connection".into(),
        config: Some(pb::DynamicValue {
            msgpack: msgpack.clone(),
            json: Vec::new(),
        }),
        client_capabilities: Some(pb::ClientCapabilities {
            write_only_attributes_allowed: allowed,
            ..Default::default()
        }),
    };
    let refused = client
        .validate_resource_config(validate(false))
        .await
        .expect("validate")
        .into_inner();
    let text = format!("{:?}", refused.diagnostics);
    assert!(
        text.contains("`md5_key_wo` is write-only") && text.contains("set `bgp.md5_key` instead"),
        "{text}"
    );
    assert!(!text.contains("s3cret-md5"), "the key is never echoed: {text}");
    let allowed = client
        .validate_resource_config(validate(true))
        .await
        .expect("validate")
        .into_inner();
    let text = format!("{:?}", allowed.diagnostics);
    assert!(!text.contains("is write-only"), "{text}");
}

/// AutoMTLS is TLS 1.3 only, as go-plugin serves it: a client that offers only TLS 1.2 is refused.
#[tokio::test]
async fn automtls_serves_tls_1_3_only() {
    let (pem, cert, key) = terraform_like_certificate();
    let plugin = Plugin::start(Some(&pem));
    let identity = || (cert.clone(), key.clone_key());
    let refused = plugin
        .tls_channel_over(identity(), &[&rustls::version::TLS12])
        .await;
    assert!(refused.is_err(), "a TLS 1.2 client was served");
    let served = plugin
        .tls_channel_over(identity(), &[&rustls::version::TLS13])
        .await;
    assert!(served.is_ok(), "{:?}", served.err());
}

/// The benchmarks' floor (`make bench` measures start-up against it) is a working provider too.
#[tokio::test]
async fn the_noop_floor_serves_its_one_resource() {
    let plugin = Plugin::start_binary(env!("CARGO_BIN_EXE_terraform-provider-noop"), None);
    assert_eq!(&plugin.fields[..3], ["1", "6", "unix"]);
    let schema = plaintext_schema(&plugin).await;
    let resources: Vec<&String> = schema.resource_schemas.keys().collect();
    assert_eq!(resources, ["noop_thing"]);
    assert!(schema.data_source_schemas.is_empty());
}

#[tokio::test]
async fn automtls_accepts_terraforms_certificate_and_refuses_another() {
    let (pem, der, key) = terraform_like_certificate();
    let plugin = Plugin::start(Some(&pem));
    assert!(
        plugin.fields[5].len() > 50,
        "a certificate is in the handshake line"
    );
    assert!(!plugin.fields[5].ends_with('='));

    let channel = plugin
        .tls_channel((der, key))
        .await
        .expect("TLS with the announced certificate");
    let mut client = ProviderClient::new(channel);
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .expect("schema over mTLS")
        .into_inner();
    assert_eq!(
        schema
            .provider
            .and_then(|p| p.block)
            .map(|b| b.attributes.is_empty()),
        Some(false)
    );

    let (_, other_der, other_key) = terraform_like_certificate();
    let refused = match plugin.tls_channel((other_der, other_key)).await {
        Err(_) => true,
        Ok(channel) => ProviderClient::new(channel)
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .is_err(),
    };
    assert!(refused, "a client certificate other than Terraform's is refused");
}

#[tokio::test]
async fn stop_provider_and_state_upgrades_over_the_wire() {
    let plugin = Plugin::start(None);
    let mut client = ProviderClient::new(plugin.plaintext_channel().await);

    // A state written when the resource still had an attribute it no longer has.
    let old = serde_json::json!({
        "id": "icon-000001", "name": "icon-000001", "account_id": cni::mock::DEFAULT_ACCOUNT,
        "type": "direct", "slot_id": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e", "speed": "10G",
        "status": "Pending", "attribute_removed_long_ago": "x",
        "timeouts": {"create": null, "delete": null}
    });
    let request = |version| pb::upgrade_resource_state::Request {
        type_name: "cni_interconnect".into(),
        version,
        raw_state: Some(pb::RawState {
            json: old.to_string().into_bytes(),
            flatmap: Default::default(),
        }),
    };
    let upgraded = client
        .upgrade_resource_state(request(1))
        .await
        .expect("upgrade")
        .into_inner();
    assert!(upgraded.diagnostics.is_empty(), "{:?}", upgraded.diagnostics);
    let state: serde_json::Value =
        rmp_serde::from_slice(&upgraded.upgraded_state.expect("a state").msgpack).expect("msgpack");
    assert_eq!(state["name"], "icon-000001");
    assert!(state.get("attribute_removed_long_ago").is_none(), "{state}");
    assert!(
        state.get("status_reason").is_some_and(|v| v.is_null()),
        "new attributes start null"
    );

    let newer = client
        .upgrade_resource_state(request(99))
        .await
        .expect("answered")
        .into_inner();
    assert!(newer.diagnostics[0].summary.contains("newer provider"));

    let stopped = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .expect("stop")
        .into_inner();
    assert_eq!(stopped.error, "");
}
