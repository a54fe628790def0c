//! The `terraform-provider-cni` plugin binary. Terraform starts it; run by hand it serves in the
//! foreground and prints the go-plugin handshake line.

use tokio_util::sync::CancellationToken;

fn main() -> anyhow::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("terraform-provider-cni {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    // Before any thread exists: no Rust backtrace may reach a diagnostic (tf-provider captures one in
    // every diagnostic it builds when backtraces are enabled), and tf-provider must not install its own
    // log subscriber over ours (PLUGIN_LOG_FILE is honoured by cni::logging instead).
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    let log_file = std::env::var_os("PLUGIN_LOG_FILE");
    std::env::remove_var("PLUGIN_LOG_FILE");

    let interrupted = CancellationToken::new();
    cni::logging::init(log_file, interrupted.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        cni::interrupt::cancel_on_sigint(interrupted.clone())?;
        tf_provider::serve("cni", cni::provider::CniProvider::new(interrupted)).await
    })
}
