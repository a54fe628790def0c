//! The provider's logs: stderr lines that Terraform's plugin client understands (`[LEVEL] message`),
//! filtered by `TF_LOG_PROVIDER` or `TF_LOG`, optionally copied to `PLUGIN_LOG_FILE`.
//!
//! Only this crate logs below WARN: the HTTP and gRPC stacks would otherwise trace request contents,
//! which carry credentials and pairing keys.

use std::ffi::OsString;
use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The level of this crate's logs for a `TF_LOG`-style value (default WARN).
pub fn level_from(tf_log: Option<&str>) -> LevelFilter {
    match tf_log.map(|v| v.trim().to_ascii_uppercase()).as_deref() {
        Some("TRACE") | Some("JSON") => LevelFilter::TRACE,
        Some("DEBUG") => LevelFilter::DEBUG,
        Some("INFO") => LevelFilter::INFO,
        Some("ERROR") => LevelFilter::ERROR,
        Some("OFF") => LevelFilter::OFF,
        _ => LevelFilter::WARN,
    }
}

/// `[LEVEL] message key=value`, the plain form go-plugin maps to Terraform's log levels.
struct PluginLine;

impl<S, N> FormatEvent<S, N> for PluginLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let level = match *event.metadata().level() {
            Level::TRACE => "TRACE",
            Level::DEBUG => "DEBUG",
            Level::INFO => "INFO",
            Level::WARN => "WARN",
            Level::ERROR => "ERROR",
        };
        write!(writer, "[{level}] ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Installs the global subscriber: stderr, and `log_file` if given.
pub fn init(log_file: Option<OsString>) {
    let tf_log = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .ok();
    let filter = Targets::new()
        .with_target("cni", level_from(tf_log.as_deref()))
        .with_default(LevelFilter::WARN.min(level_from(tf_log.as_deref())));
    let stderr = tracing_subscriber::fmt::layer()
        .event_format(PluginLine)
        .with_writer(std::io::stderr)
        .with_filter(filter.clone());
    let file = log_file
        .and_then(|path| std::fs::File::create(path).ok())
        .map(|f| {
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(std::sync::Mutex::new(f))
                .with_filter(filter)
        });
    let _ = tracing_subscriber::registry().with(stderr).with(file).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tf_log_levels_map_and_default_to_warn() {
        assert_eq!(level_from(Some("trace")), LevelFilter::TRACE);
        assert_eq!(level_from(Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from(Some("INFO")), LevelFilter::INFO);
        assert_eq!(level_from(Some("bogus")), LevelFilter::WARN);
        assert_eq!(level_from(None), LevelFilter::WARN);
    }
}
