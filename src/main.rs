//! The `terraform-provider-cni` plugin binary. Terraform starts it; run by hand it explains that it is a
//! plugin, and with `-debug` it serves for `TF_REATTACH_PROVIDERS`.

/// The provider's source address, as Terraform names it.
const SOURCE_ADDRESS: &str = "registry.terraform.io/cnilabs/cni";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--version" || a == "-version") {
        println!("terraform-provider-cni {}", env!("CARGO_PKG_VERSION"));
        return std::process::ExitCode::SUCCESS;
    }
    let debug = args.iter().any(|a| a == "-debug" || a == "--debug");
    cni::logging::init(std::env::var_os("PLUGIN_LOG_FILE"));
    match run(debug) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(debug: bool) -> anyhow::Result<()> {
    let interrupt = cni::interrupt::Interrupt::new();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        if !debug {
            cni::interrupt::stop_on_sigint(interrupt.clone())?;
        }
        let registry = cni::registry::registry(interrupt.clone());
        let options = cni::plugin::server::ServeOptions {
            address: SOURCE_ADDRESS.to_owned(),
            debug,
        };
        cni::plugin::server::serve(registry, interrupt, options).await?;
        Ok(())
    })
}
