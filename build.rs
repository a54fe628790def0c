//! Compiles the plugin protocol definitions in `proto/` (tfplugin6 and go-plugin's side services) into
//! Rust with tonic-build. protoc comes from `scripts/install-tools.sh`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    tonic_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_protos(&["proto/tfplugin6.proto", "proto/go_plugin.proto"], &["proto"])?;
    Ok(())
}
