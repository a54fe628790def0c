//! `cni_interconnect_wait`: waits until an interconnect's status is the one asked for (`Healthy` by
//! default), saying at each poll where it stands. A direct port stays `Pending` until its
//! cross-connect is installed, so its create does not wait; this action waits on demand, or after a
//! create through `action_trigger`. It polls with the resource's loop (budget, backoff, interrupt,
//! 404 rules) and changes no state.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use tf_provider::schema::Schema;
use tf_provider::value::Value;
use tf_provider::Diagnostics;
use tokio::time::Instant;

use crate::api::{wait_for_state, InterconnectStatus};
use crate::attributes::{self, Attr, AttrType, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::plugin::actions::{Action, Progress};
use crate::shared::{check_account_id, duration_text, parse_duration, ACCOUNT_ID};

/// The statuses the API reports, which the action can wait for.
pub const STATES: [&str; 4] = ["Pending", "Down", "Unhealthy", "Healthy"];

/// How long the action waits when `timeout` is not set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The `config` block.
pub const ATTRIBUTES: [Attr; 4] = [
    Attr::new("name", AttrType::String, Role::Required, "The interconnect's name (its `id`).")
        .checked(crate::shared::an_interconnect_name),
    Attr {
        role: Role::Optional,
        ..ACCOUNT_ID
    },
    Attr::new("status", AttrType::String, Role::Optional, "The status to wait for: `Pending`, `Down`, `Unhealthy` or `Healthy` (the default)."),
    Attr::new("timeout", AttrType::String, Role::Optional, "How long to wait, as a duration such as `30m` or `2h`. At the timeout the action fails with the last status and its reason.")
        .defaults_to(|| duration_text(DEFAULT_TIMEOUT)),
];

/// The action's configuration.
#[derive(Deserialize, Debug, Clone, Default)]
pub struct WaitConfig {
    /// The interconnect.
    pub name: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// The status to wait for.
    pub status: Value<String>,
    /// How long to wait.
    pub timeout: Value<String>,
}

/// The action.
pub struct InterconnectWait {
    provider: Arc<ProviderContext>,
}

impl InterconnectWait {
    /// The action, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectWait { provider }
    }
}

/// The checks of a configuration, calling nothing: the status is one the API reports, the timeout a
/// duration, the name and account well-formed.
pub fn validate_config(diags: &mut Diagnostics, config: &WaitConfig) {
    if let Value::Value(name) = &config.name {
        if crate::shared::name_error(name, "name").is_some() {
            diag::error(
                diags,
                "Invalid name",
                "`name` must be an interconnect's name, such as icon-000123.",
                diag::attr("name"),
            );
        }
    }
    check_account_id(diags, &config.account_id);
    if let Value::Value(status) = &config.status {
        if !STATES.contains(&status.as_str()) {
            diag::error(
                diags,
                "Invalid status",
                format!(
                    "{status:?} is not a status the API reports: use one of {}.",
                    STATES.join(", ")
                ),
                diag::attr("status"),
            );
        }
    }
    if let Value::Value(timeout) = &config.timeout {
        if let Err(e) = parse_duration(timeout) {
            diag::error(diags, "Invalid timeout", e, diag::attr("timeout"));
        }
    }
}

/// One progress line: where the interconnect stands and how long the action has waited.
pub fn progress_line(name: &str, status: &InterconnectStatus, waited: Duration, goal: &str) -> String {
    let waited = humantime::format_duration(Duration::from_secs(waited.as_secs()));
    format!("{name} is {status} after {waited}; waiting for {goal}")
}

#[async_trait]
impl Action for InterconnectWait {
    type Config = WaitConfig;

    fn schema(&self) -> Schema {
        Schema {
            version: 0,
            block: attributes::block(
                "Waits until an interconnect's status is the one asked for (`Healthy` by default), with a line of progress per poll.",
                &ATTRIBUTES,
                vec![],
            ),
        }
    }

    async fn validate(&self, diags: &mut Diagnostics, config: WaitConfig) {
        validate_config(diags, &config);
    }

    async fn invoke(&self, diags: &mut Diagnostics, config: WaitConfig, progress: Progress) {
        let Some((configured, account)) =
            self.provider
                .configured_for(&config.account_id, "in the action's config block", diags)
        else {
            return;
        };
        let name = config.name.as_ref_option().cloned().unwrap_or_default();
        let goal = config
            .status
            .as_ref_option()
            .cloned()
            .unwrap_or_else(|| "Healthy".to_owned());
        let timeout = config
            .timeout
            .as_ref_option()
            .and_then(|t| parse_duration(t).ok())
            .unwrap_or(DEFAULT_TIMEOUT);
        let started = Instant::now();
        let deadline = started + timeout;
        let client = configured.client.until(deadline);
        let on_poll = |status: &InterconnectStatus| {
            progress.say_now(progress_line(&name, status, started.elapsed(), &goal));
        };
        let bounds = (deadline, configured.poll_interval, Instant::now());
        match wait_for_state(&client, &account, &name, &goal, bounds, on_poll).await {
            Ok(status) => {
                progress
                    .say(format!(
                        "{name} is {status}, after {}",
                        humantime::format_duration(Duration::from_secs(started.elapsed().as_secs()))
                    ))
                    .await
            }
            Err(e) => diag::wait_error(
                diags,
                format!("Interconnect {name} did not reach {goal}"),
                &e,
                "Nothing was changed. Run the action again to go on waiting.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Value<String> {
        Value::Value(s.to_owned())
    }

    #[test]
    fn statuses_and_timeouts_are_checked_and_unknowns_pass() {
        let mut diags = Diagnostics::default();
        validate_config(
            &mut diags,
            &WaitConfig {
                name: v("icon-1"),
                status: v("Up"),
                timeout: v("soon"),
                ..Default::default()
            },
        );
        let paths: Vec<_> = diags.errors.iter().map(|e| e.attribute.clone()).collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        let mut clean = Diagnostics::default();
        validate_config(
            &mut clean,
            &WaitConfig {
                name: Value::Unknown,
                status: v("Pending"),
                timeout: v("2h"),
                account_id: Value::Unknown,
            },
        );
        assert!(clean.errors.is_empty());
    }

    #[test]
    fn a_progress_line_says_status_reason_and_time_waited() {
        let line = progress_line(
            "icon-7",
            &InterconnectStatus::Down {
                reason: Some("no light".into()),
            },
            Duration::from_millis(61_500),
            "Healthy",
        );
        assert_eq!(line, "icon-7 is Down (no light) after 1m 1s; waiting for Healthy");
    }
}
