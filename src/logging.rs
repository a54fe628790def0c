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

/// The log setting that applies: `TF_LOG_PROVIDER`, unless it is unset or empty, then `TF_LOG` (as
/// Terraform's own rule reads them).
pub fn log_setting(tf_log_provider: Option<String>, tf_log: Option<String>) -> Option<String> {
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    set(tf_log_provider).or_else(|| set(tf_log))
}

/// Installs the global subscriber: stderr, and `log_file` if given. No colour codes anywhere:
/// Terraform copies stderr into `TF_LOG_PATH` files.
pub fn init(log_file: Option<OsString>) {
    let tf_log = log_setting(
        std::env::var("TF_LOG_PROVIDER").ok(),
        std::env::var("TF_LOG").ok(),
    );
    let filter = Targets::new()
        .with_target("cni", level_from(tf_log.as_deref()))
        .with_default(LevelFilter::WARN.min(level_from(tf_log.as_deref())));
    let stderr = plugin_lines(std::io::stderr).with_filter(filter.clone());
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

/// The layer that writes `[LEVEL] message` lines to `writer`, without colour codes.
fn plugin_lines<S, W>(writer: W) -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .event_format(PluginLine)
        .with_writer(writer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_tf_log_provider_falls_back_to_tf_log() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(log_setting(s("DEBUG"), s("TRACE")), s("DEBUG"));
        assert_eq!(log_setting(s(""), s("TRACE")), s("TRACE"));
        assert_eq!(log_setting(s("  "), None), None);
        assert_eq!(log_setting(None, s("INFO")), s("INFO"));
    }

    #[test]
    fn lines_carry_no_colour_codes() {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
        let sink = buffer.clone();
        let writer = move || SharedBuffer(sink.clone());
        let subscriber = tracing_subscriber::registry().with(plugin_lines(writer));
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(operation = "create interconnect", status = 502, "CNI API call");
        });
        let text =
            String::from_utf8(buffer.lock().map(|b| b.clone()).unwrap_or_default()).unwrap_or_default();
        assert!(text.starts_with("[WARN] CNI API call"), "{text:?}");
        assert!(text.contains("status=502"), "{text:?}");
        assert!(!text.contains('\u{1b}'), "no ANSI escapes: {text:?}");
    }

    /// A writer into a shared buffer.
    struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for SharedBuffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut buffer) = self.0.lock() {
                buffer.extend_from_slice(bytes);
            }
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn tf_log_levels_map_and_default_to_warn() {
        assert_eq!(level_from(Some("trace")), LevelFilter::TRACE);
        assert_eq!(level_from(Some("JSON")), LevelFilter::TRACE);
        assert_eq!(level_from(Some("INFO")), LevelFilter::INFO);
        assert_eq!(level_from(Some("bogus")), LevelFilter::WARN);
        assert_eq!(level_from(None), LevelFilter::WARN);
    }
}
