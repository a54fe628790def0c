//! The table rows and CPU readings of the apply/refresh/destroy figures.

use super::*;

pub(super) fn time_row(label: &str, count: usize, f: &CommandFigures) -> String {
    let (floor, sized, cni) = (
        median(f.floor.clone()),
        median(f.sized_floor.clone()),
        median(f.cni.clone()),
    );
    let go = match f.go_floor.is_empty() {
        true => "–".to_owned(),
        false => seconds(median(f.go_floor.clone())),
    };
    format!(
        "| {label} of {count} | {} | {go} | {} | {} | {:.2} | {:.2} |\n",
        seconds(floor),
        seconds(sized),
        seconds(cni),
        cni.as_secs_f64() / floor.as_secs_f64(),
        cni.as_secs_f64() / sized.as_secs_f64(),
    )
}

pub(super) fn cost_row(label: &str, count: usize, f: &CommandFigures) -> String {
    let command_cpu = |i: usize| median(f.command_cpu[i].clone()).as_millis();
    format!(
        "| {label} of {count} | {} ms | {} ms | {} ms | {} ms | {} ms | {} ({:.2} per interconnect) |\n",
        command_cpu(0),
        command_cpu(1),
        command_cpu(2),
        f.floor_cpu.as_millis(),
        f.cni_cpu.as_millis(),
        f.requests,
        f.requests as f64 / count as f64
    )
}

/// The CPU time a fresh debug-mode `binary` spends serving `args` in `ws`.
pub(super) fn cpu_of(ws: &Workspace, binary: &Path, args: &[&str]) -> Duration {
    let provider = DebugProvider::start(binary);
    let empty_rc = ws.dir.path().join("empty.tfrc");
    std::fs::write(&empty_rc, "").expect("write an empty CLI config");
    let before = provider.cpu_time();
    ws.time_with(
        args,
        &[
            ("TF_REATTACH_PROVIDERS", &provider.reattach),
            ("TF_CLI_CONFIG_FILE", &empty_rc.to_string_lossy()),
        ],
    );
    provider.cpu_time().saturating_sub(before)
}
