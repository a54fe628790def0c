//! `cni_interconnect`: a direct port or a GCP partner attachment.
//!
//! There is no update endpoint: every API attribute forces replacement; `wait_for_healthy`,
//! `skip_destroy` and `timeouts` change in place without any API call. Once the `POST` succeeded, every
//! path out of `create` returns the interconnect in state, so Terraform never loses it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeConstraint, AttributeType, Schema};
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};
use tokio::time::Instant;

use crate::api::models::{TYPE_DIRECT, TYPE_GCP_PARTNER};
use crate::api::{
    self, create_exactly_once, wait_for_healthy, wait_until_gone, Bandwidth, CreateInterconnect, Deleted,
    Interconnect, InterconnectStatus, Secret, WaitError, READ_AFTER_WRITE_GRACE,
};
use crate::context::{Configured, ProviderContext};
use crate::diag;
use crate::tf_types::{
    block, check_account_id, check_duration, effective_account, parse_duration, reject_computed_in_config,
    string_attr, timeouts_block, typed_attr, FacilityValue, InterconnectItem, Timeouts,
};

/// Default create timeout (including the wait for `Healthy`).
pub const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// Default delete timeout (including the wait until gone).
pub const DEFAULT_DELETE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The state (and configuration, and plan) of one `cni_interconnect`.
#[derive(Serialize, Deserialize, Clone, Default, PartialEq)]
pub struct InterconnectState {
    /// The interconnect's name.
    pub id: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// `direct` or `gcp_partner`.
    #[serde(rename = "type")]
    pub kind: Value<String>,
    /// The slot (direct).
    pub slot_id: Value<String>,
    /// The port speed (set for direct; read back for gcp_partner).
    pub speed: Value<String>,
    /// The attachment bandwidth (gcp_partner).
    pub bandwidth: Value<String>,
    /// The GCP pairing key (gcp_partner); write-only, never read back.
    pub pairing_key: Value<String>,
    /// Whether create waits for `Healthy`.
    pub wait_for_healthy: Value<bool>,
    /// Whether destroy only forgets the interconnect.
    pub skip_destroy: Value<bool>,
    /// The interconnect's name.
    pub name: Value<String>,
    /// The owner.
    pub owner: Value<String>,
    /// The site.
    pub site: Value<String>,
    /// The GCP region.
    pub region: Value<String>,
    /// The facility.
    pub facility: Value<FacilityValue>,
    /// The Magic Transit correlation id.
    pub virtual_port_reservation_id: Value<String>,
    /// The CCR device.
    pub ccr_device_name: Value<String>,
    /// The last status seen.
    pub status: Value<String>,
    /// The reason of a `Down`/`Unhealthy` status.
    pub status_reason: Value<String>,
    /// Operation timeouts.
    pub timeouts: Value<Timeouts>,
}

/// The attributes only the provider sets (besides `id`), described as in `InterconnectItem::fields`.
const COMPUTED_ONLY: [&str; 9] = [
    "name",
    "owner",
    "site",
    "region",
    "facility",
    "virtual_port_reservation_id",
    "ccr_device_name",
    "status",
    "status_reason",
];

impl InterconnectState {
    fn mark_computed_unknown(&mut self) {
        self.id = Value::Unknown;
        self.name = Value::Unknown;
        self.owner = Value::Unknown;
        self.site = Value::Unknown;
        self.region = Value::Unknown;
        self.facility = Value::Unknown;
        self.virtual_port_reservation_id = Value::Unknown;
        self.ccr_device_name = Value::Unknown;
        self.status = Value::Unknown;
        self.status_reason = Value::Unknown;
    }

    /// Fills what the API says, keeping configured values (which must not change after apply).
    pub fn apply_interconnect(&mut self, ic: &Interconnect) {
        let item = InterconnectItem::from_api(ic, None);
        self.id = item.name.clone();
        self.name = item.name;
        keep_or(&mut self.account_id, item.account_id);
        keep_or(&mut self.kind, item.kind);
        keep_or(&mut self.slot_id, item.slot_id);
        keep_or(&mut self.speed, item.speed.clone());
        if matches!(ic, Interconnect::GcpPartner(_)) {
            keep_or(&mut self.bandwidth, item.speed);
        } else if !self.bandwidth.is_value() {
            self.bandwidth = Value::Null;
        }
        if !self.pairing_key.is_value() {
            self.pairing_key = Value::Null;
        }
        self.owner = item.owner;
        self.site = item.site;
        self.region = item.region;
        self.facility = item.facility;
        self.virtual_port_reservation_id = item.virtual_port_reservation_id;
        self.ccr_device_name = item.ccr_device_name;
        if !self.wait_for_healthy.is_value() {
            self.wait_for_healthy = default_wait(&self.kind);
        }
        if !self.skip_destroy.is_value() {
            self.skip_destroy = Value::Null;
        }
        self.timeouts = Value::Value(self.timeouts.as_ref_option().cloned().unwrap_or_default());
    }

    /// Records a status read (or a known null when there is none).
    pub fn apply_status(&mut self, status: Option<&InterconnectStatus>) {
        self.status = status.map(|s| s.state().to_owned()).into();
        self.status_reason = status.and_then(|s| s.reason()).map(str::to_owned).into();
    }

    fn is_direct(&self) -> bool {
        self.kind.as_ref_option().is_some_and(|k| k == TYPE_DIRECT)
    }

    fn timeout(&self, pick: fn(&Timeouts) -> &Value<String>, default: Duration) -> Duration {
        self.timeouts
            .as_ref_option()
            .and_then(|t| pick(t).as_ref_option())
            .and_then(|text| parse_duration(text).ok())
            .unwrap_or(default)
    }
}

fn keep_or(field: &mut Value<String>, api: Value<String>) {
    if !field.is_value() {
        *field = api;
    }
}

/// `wait_for_healthy` when not configured: true for `gcp_partner`, false for `direct`.
pub fn default_wait(kind: &Value<String>) -> Value<bool> {
    match kind {
        Value::Value(k) => Value::Value(k == TYPE_GCP_PARTNER),
        _ => Value::Unknown,
    }
}

/// Checks a configuration without calling the API; every error names its attribute.
pub fn validate_config(cfg: &InterconnectState, diags: &mut Diagnostics) {
    let set = [
        ("id", !cfg.id.is_null()),
        ("name", !cfg.name.is_null()),
        ("owner", !cfg.owner.is_null()),
        ("site", !cfg.site.is_null()),
        ("region", !cfg.region.is_null()),
        ("facility", !cfg.facility.is_null()),
        (
            "virtual_port_reservation_id",
            !cfg.virtual_port_reservation_id.is_null(),
        ),
        ("ccr_device_name", !cfg.ccr_device_name.is_null()),
        ("status", !cfg.status.is_null()),
        ("status_reason", !cfg.status_reason.is_null()),
    ];
    reject_computed_in_config(diags, &set);
    check_account_id(diags, &cfg.account_id);
    if let Value::Value(timeouts) = &cfg.timeouts {
        check_duration(
            diags,
            &timeouts.create,
            AttributePath::new("timeouts").attribute("create"),
        );
        check_duration(
            diags,
            &timeouts.delete,
            AttributePath::new("timeouts").attribute("delete"),
        );
    }
    match cfg.kind.as_ref_option().map(String::as_str) {
        Some(TYPE_DIRECT) => validate_direct(cfg, diags),
        Some(TYPE_GCP_PARTNER) => validate_gcp_partner(cfg, diags),
        Some(other) => diag::error(
            diags,
            "Invalid interconnect type",
            format!("type must be \"direct\" or \"gcp_partner\", not {other:?}."),
            diag::attr("type"),
        ),
        None => {}
    }
}

fn validate_direct(cfg: &InterconnectState, diags: &mut Diagnostics) {
    match &cfg.slot_id {
        Value::Null => required_for(
            diags,
            "slot_id",
            TYPE_DIRECT,
            "the UUID of a free slot (see the cni_slots data source)",
        ),
        Value::Value(slot) if uuid::Uuid::parse_str(slot).is_err() => diag::error(
            diags,
            "Invalid slot_id",
            format!("slot_id must be a UUID such as 182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e, not {slot:?}."),
            diag::attr("slot_id"),
        ),
        _ => {}
    }
    if let Value::Value(speed) = &cfg.speed {
        if speed.trim().is_empty() {
            diag::error(
                diags,
                "Invalid speed",
                "speed must not be empty; omit it to use the slot's.",
                diag::attr("speed"),
            );
        }
    }
    not_for(diags, "bandwidth", &cfg.bandwidth, TYPE_GCP_PARTNER, TYPE_DIRECT);
    not_for(
        diags,
        "pairing_key",
        &cfg.pairing_key,
        TYPE_GCP_PARTNER,
        TYPE_DIRECT,
    );
}

fn validate_gcp_partner(cfg: &InterconnectState, diags: &mut Diagnostics) {
    match &cfg.bandwidth {
        Value::Null => required_for(
            diags,
            "bandwidth",
            TYPE_GCP_PARTNER,
            "one of 50M, 100M, 200M, 300M, 400M, 500M, 1G, 2G, 5G, 10G, 20G, 50G",
        ),
        Value::Value(b) => {
            if let Err(e) = b.parse::<Bandwidth>() {
                diag::error(
                    diags,
                    "Invalid bandwidth",
                    format!("{e}."),
                    diag::attr("bandwidth"),
                );
            }
        }
        Value::Unknown => {}
    }
    // The pairing key is needed only to create: plan_new asks for it, so that an imported or existing
    // attachment plans without one.
    match &cfg.pairing_key {
        Value::Value(k) if k.trim().is_empty() => diag::error(
            diags,
            "Invalid pairing_key",
            "pairing_key must not be empty.",
            diag::attr("pairing_key"),
        ),
        _ => {}
    }
    not_for(diags, "slot_id", &cfg.slot_id, TYPE_DIRECT, TYPE_GCP_PARTNER);
    if cfg.speed.is_value() {
        diag::error(
            diags,
            "Attribute not allowed for gcp_partner",
            "speed can be set only for type = \"direct\"; a gcp_partner interconnect takes its capacity from bandwidth, and speed is read back from the API.",
            diag::attr("speed"),
        );
    }
}

fn required_for(diags: &mut Diagnostics, name: &'static str, kind: &str, what: &str) {
    diag::error(
        diags,
        "Missing required attribute",
        format!("{name} is required when type = {kind:?}: {what}."),
        diag::attr(name),
    );
}

/// An error when an attribute of the other type is set. A value not known yet (`var.x` under
/// `terraform validate`, or one known only after apply) is not "set".
fn not_for(diags: &mut Diagnostics, name: &'static str, value: &Value<String>, belongs_to: &str, kind: &str) {
    if value.is_value() {
        diag::error(
            diags,
            "Attribute not allowed for this type",
            format!("{name} applies only to type = {belongs_to:?}; remove it for type = {kind:?}."),
            diag::attr(name),
        );
    }
}

/// The plan of a new interconnect: account resolved, defaults applied, computed values unknown.
pub fn plan_new(
    mut planned: InterconnectState,
    provider_account: &Value<String>,
    diags: &mut Diagnostics,
) -> InterconnectState {
    planned.account_id = effective_account(&planned.account_id, provider_account);
    if planned.account_id.is_null() {
        missing_account(diags);
    }
    let is_gcp = planned
        .kind
        .as_ref_option()
        .is_some_and(|k| k == TYPE_GCP_PARTNER);
    if is_gcp && planned.pairing_key.is_null() {
        required_for(
            diags,
            "pairing_key",
            TYPE_GCP_PARTNER,
            "the pairing key of the GCP VLAN attachment, needed to create one (an imported attachment needs none)",
        );
    }
    if planned.wait_for_healthy.is_null() {
        planned.wait_for_healthy = default_wait(&planned.kind);
    }
    if planned.speed.is_null() {
        planned.speed = Value::Unknown;
    }
    planned.mark_computed_unknown();
    planned.timeouts = Value::Value(planned.timeouts.as_ref_option().cloned().unwrap_or_default());
    planned
}

fn missing_account(diags: &mut Diagnostics) {
    diag::error(
        diags,
        "Missing account_id",
        "Set account_id on the resource, or account_id in the provider block (or CLOUDFLARE_ACCOUNT_ID).",
        diag::attr("account_id"),
    );
}

/// The plan of a change to an existing interconnect, and the attributes whose change forces a new one.
///
/// Only a real change of what the API holds replaces: a value the API did not report (null in state
/// after an import) is adopted from the configuration in place, UUIDs and speeds compare without
/// regard to case, and a pairing key (needed only to create) may be added or dropped in place.
pub fn plan_change(
    prior: &InterconnectState,
    mut planned: InterconnectState,
    config: &InterconnectState,
    provider_account: &Value<String>,
) -> (InterconnectState, Vec<AttributePath>) {
    planned.account_id = match effective_account(&config.account_id, provider_account) {
        // The provider's account is not known yet (its configuration waits on other values): nothing
        // says it changes, so the interconnect keeps its own.
        Value::Unknown if config.account_id.is_null() => prior.account_id.clone(),
        Value::Null => planned.account_id,
        account => account,
    };
    let mut replace: Vec<AttributePath> = Vec::new();
    let mut check = |name: &'static str, rule: Compare, before: &Value<String>, after: &Value<String>| {
        if rule.replaces(before, after) {
            replace.push(AttributePath::new(name));
        }
    };
    check(
        "account_id",
        Compare::Exact,
        &prior.account_id,
        &planned.account_id,
    );
    check("type", Compare::Exact, &prior.kind, &planned.kind);
    check("slot_id", Compare::Uuid, &prior.slot_id, &planned.slot_id);
    check("bandwidth", Compare::Speed, &prior.bandwidth, &planned.bandwidth);
    check(
        "pairing_key",
        Compare::CreateOnly,
        &prior.pairing_key,
        &planned.pairing_key,
    );
    if config.speed.is_null() {
        planned.speed = prior.speed.clone();
    } else {
        check("speed", Compare::Speed, &prior.speed, &config.speed);
    }
    if config.wait_for_healthy.is_null() {
        planned.wait_for_healthy = default_wait(&planned.kind);
    }
    if !replace.is_empty() {
        planned.mark_computed_unknown();
        if config.speed.is_null() {
            planned.speed = Value::Unknown;
        }
    }
    (planned, replace)
}

/// How a configured API attribute is compared with the state to decide on a replacement.
#[derive(Clone, Copy)]
enum Compare {
    /// Any change replaces.
    Exact,
    /// Case does not matter; a value the API never reported (null) is adopted.
    Uuid,
    /// Case does not matter (`10g` is `10G`); a value the API never reported (null) is adopted.
    Speed,
    /// Needed only to create: adding or dropping it changes nothing; only a different value replaces.
    CreateOnly,
}

impl Compare {
    fn replaces(self, before: &Value<String>, after: &Value<String>) -> bool {
        match (self, before, after) {
            (_, Value::Value(b), Value::Value(a)) if b == a => false,
            (Compare::Exact, b, a) => b != a,
            (Compare::Uuid | Compare::Speed, Value::Value(b), Value::Value(a)) => !b.eq_ignore_ascii_case(a),
            (Compare::Uuid | Compare::Speed, Value::Null, _) => false,
            (Compare::Uuid | Compare::Speed, b, a) => b != a,
            (Compare::CreateOnly, Value::Value(_), Value::Value(_)) => true,
            (Compare::CreateOnly, _, _) => false,
        }
    }
}

/// The `POST` body for a planned interconnect, all of whose values are known at apply.
pub fn create_request(planned: &InterconnectState) -> Result<CreateInterconnect, String> {
    let account = known(&planned.account_id, "account_id")?;
    match known(&planned.kind, "type")?.as_str() {
        TYPE_DIRECT => Ok(CreateInterconnect::Direct {
            account,
            slot_id: known(&planned.slot_id, "slot_id")?
                .parse()
                .map_err(|_| "slot_id is not a UUID".to_owned())?,
            speed: planned.speed.as_ref_option().map(|s| s.to_ascii_uppercase()),
        }),
        TYPE_GCP_PARTNER => Ok(CreateInterconnect::GcpPartner {
            account,
            bandwidth: known(&planned.bandwidth, "bandwidth")?
                .parse()
                .map_err(|e| format!("{e}"))?,
            pairing_key: Secret::new(known(&planned.pairing_key, "pairing_key")?),
        }),
        other => Err(format!("unknown type {other:?}")),
    }
}

fn known(value: &Value<String>, name: &str) -> Result<String, String> {
    value
        .as_ref_option()
        .cloned()
        .ok_or_else(|| format!("{name} is not set"))
}

/// Splits an import ID: `<account_id>/<name>`, or `<name>` when the provider has an account.
pub fn parse_import_id(id: &str, provider_account: Option<&str>) -> Result<(String, String), String> {
    let expected = "expected \"<account_id>/<name>\", or \"<name>\" when the provider sets account_id";
    let parts: Vec<&str> = id.split('/').collect();
    match parts.as_slice() {
        [account, name] if !account.trim().is_empty() && !name.trim().is_empty() => {
            Ok((account.trim().to_owned(), name.trim().to_owned()))
        }
        [name] if !name.trim().is_empty() => match provider_account {
            Some(account) => Ok((account.to_owned(), name.trim().to_owned())),
            None => Err(format!(
                "import ID {id:?} has no account and the provider sets no account_id: {expected}"
            )),
        },
        _ => Err(format!("invalid import ID {id:?}: {expected}")),
    }
}

/// What the provider keeps beside the state: when the interconnect was created and whether the API has
/// been seen to know it since, so that a refresh in the read-after-write window does not take the API's
/// not-knowing-yet for a deletion.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Private {
    /// When the create's `POST` was answered, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub created_at_unix_ms: Option<u64>,
    /// Whether a read by name (status or GET) has found it since.
    #[serde(default)]
    pub seen: bool,
}

fn unix_ms() -> Option<u64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as u64)
}

impl Private {
    /// A 404 now may be read-after-write lag: the create is recent and no read has found it yet.
    fn may_lag(&self) -> bool {
        let now = unix_ms().unwrap_or(u64::MAX);
        !self.seen
            && self
                .created_at_unix_ms
                .is_some_and(|at| now.saturating_sub(at) < READ_AFTER_WRITE_GRACE.as_millis() as u64)
    }
}

/// The resource.
pub struct InterconnectResource {
    provider: Arc<ProviderContext>,
}

impl InterconnectResource {
    /// The resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        InterconnectResource { provider }
    }

    async fn create_and_wait(
        &self,
        diags: &mut Diagnostics,
        configured: &Configured,
        planned: InterconnectState,
    ) -> Option<(InterconnectState, Private)> {
        let deadline = Instant::now() + planned.timeout(|t| &t.create, DEFAULT_CREATE_TIMEOUT);
        let client = configured.client.until(deadline);
        let request = match create_request(&planned) {
            Ok(request) => request,
            Err(e) => {
                diag::error(diags, "Cannot create the interconnect", e, None);
                return None;
            }
        };
        let account = planned.account_id.as_ref_option().cloned().unwrap_or_default();
        let created = match create_exactly_once(&client, &account, &request, configured.max_retries).await {
            Ok(created) => created,
            Err(e) => {
                diag::error(
                    diags,
                    "Could not create the interconnect",
                    create_failure_detail(&e, &account),
                    None,
                );
                return None;
            }
        };
        let visible_by = Instant::now() + READ_AFTER_WRITE_GRACE;
        let created_at_unix_ms = unix_ms();
        let name = created.interconnect.name().to_owned();
        tracing::info!("created interconnect {name}");
        if let Some(lost) = &created.recovered_from {
            diag::warning(
                diags,
                "Recovered from a lost create answer",
                format!("{lost}. The interconnect {name} that this create made was found and kept; no duplicate was created."),
                None,
            );
        }
        let mut state = planned;
        state.apply_interconnect(&created.interconnect);
        if state.wait_for_healthy.as_ref_option().copied().unwrap_or(false) {
            state = self
                .wait_until_healthy(diags, configured, &client, state, deadline, visible_by)
                .await;
        } else {
            self.read_status_once(diags, &client, &mut state).await;
        }
        // A status read by name means the API knows the interconnect: a later 404 is no lag.
        let private = Private {
            created_at_unix_ms,
            seen: state.status.is_value(),
        };
        Some((state, private))
    }

    /// Waits for `Healthy`. Whatever ends the wait, the interconnect is returned: it exists (or did a
    /// moment ago), and Terraform keeps it, tainted when there is an error.
    async fn wait_until_healthy(
        &self,
        diags: &mut Diagnostics,
        configured: &Configured,
        client: &api::Client,
        mut state: InterconnectState,
        deadline: Instant,
        visible_by: Instant,
    ) -> InterconnectState {
        let account = state.account_id.as_ref_option().cloned().unwrap_or_default();
        let name = state.name.as_ref_option().cloned().unwrap_or_default();
        let mut previous: Option<String> = None;
        let log_change = |status: &InterconnectStatus| {
            match &previous {
                Some(before) => tracing::info!("interconnect {name}: {before} -> {status}"),
                None => tracing::info!("interconnect {name}: {status}"),
            }
            previous = Some(status.to_string());
        };
        let outcome = wait_for_healthy(
            client,
            &account,
            &name,
            deadline,
            configured.poll_interval,
            visible_by,
            log_change,
        )
        .await;
        match outcome {
            Ok(status) => state.apply_status(Some(&status)),
            Err(e @ WaitError::Gone { .. }) => {
                state.apply_status(e.last());
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was created but is no longer found"),
                    &e,
                    "The API accepted the create, so the interconnect is kept in state (tainted) rather than forgotten. \
                     If it was really deleted, the next plan removes it from state and creates it again.",
                );
            }
            Err(e) => {
                state.apply_status(e.last());
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was created but did not become Healthy"),
                    &e,
                    "The interconnect exists and is kept in state as tainted, so the next apply replaces it. \
                     To keep it instead, run `terraform untaint` on this resource (or set wait_for_healthy = false). \
                     Its status is visible in the cni_interconnect data source.",
                );
            }
        }
        state
    }

    async fn read_status_once(
        &self,
        diags: &mut Diagnostics,
        client: &api::Client,
        state: &mut InterconnectState,
    ) {
        let account = state.account_id.as_ref_option().cloned().unwrap_or_default();
        let name = state.name.as_ref_option().cloned().unwrap_or_default();
        match client.interconnect_status(&account, &name).await {
            Ok(status) => state.apply_status(Some(&status)),
            Err(e) => {
                state.apply_status(None);
                diag::warning(
                    diags,
                    "Could not read the new interconnect's status",
                    diag::describe_api_error(&e),
                    None,
                );
            }
        }
        if state.is_direct() && state.status.as_ref_option().is_none_or(|s| s != "Healthy") {
            diag::warning(
                diags,
                format!("Direct interconnect {name} stays Pending until its cross-connect is installed"),
                "Order the cross-connect from the facility with the Letter of Authorization (the cni_interconnect_loa data source gives it). \
                 The port turns Healthy once the fiber is in, which can take days to weeks.",
                None,
            );
        }
    }
}

fn create_failure_detail(e: &api::CreateError, account: &str) -> String {
    match e {
        api::CreateError::NotCreated(api) | api::CreateError::Precheck(api) => {
            format!("{}\n\nNo interconnect was created.", diag::describe_api_error(api))
        }
        api::CreateError::SlotUnavailable { .. } => format!("{e}.\n\nNo interconnect was created."),
        api::CreateError::Ambiguous { candidates, .. } => format!(
            "{e}.\n\nOne of them is the interconnect this create made, but nothing tells which. Find yours \
             (its region, bandwidth and GCP pairing) and import it instead of applying again, for example:\n{}",
            candidates
                .iter()
                .map(|name| format!("  terraform import <this resource's address> {account}/{name}"))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        api::CreateError::Unresolved { .. } | api::CreateError::AcceptedButNotFound { .. } => format!(
            "{e}.\n\nAn interconnect may have been created. List them with the cni_interconnects data source and \
             import the right one with `terraform import <address> {account}/<name>` before applying again, or delete it."
        ),
    }
}

fn computed_string(description: &str) -> tf_provider::schema::Attribute {
    string_attr(AttributeConstraint::Computed, description)
}

#[async_trait]
impl Resource for InterconnectResource {
    type State<'a> = InterconnectState;
    type PrivateState<'a> = Option<Private>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        use AttributeConstraint::{Computed, Optional, OptionalComputed, Required};
        let mut attributes = vec![
            ("id", computed_string("The interconnect's name.")),
            ("account_id", string_attr(OptionalComputed, "The account; defaults to the provider's `account_id`. Forces replacement.")),
            ("type", string_attr(Required, "`direct` (a physical port in a slot) or `gcp_partner` (a Google Cloud Partner Interconnect attachment). Forces replacement.")),
            ("slot_id", string_attr(Optional, "`direct` only, required: the UUID of a free slot (see `cni_slots`). Forces replacement.")),
            ("speed", string_attr(OptionalComputed, "`direct`: the port speed (defaults to the slot's). `gcp_partner`: read back from the API. Forces replacement when set.")),
            ("bandwidth", string_attr(Optional, "`gcp_partner` only, required: one of `50M` `100M` `200M` `300M` `400M` `500M` `1G` `2G` `5G` `10G` `20G` `50G`. Forces replacement.")),
            ("pairing_key", {
                let mut a = string_attr(Optional, "`gcp_partner` only, required: the pairing key of the GCP VLAN attachment. Write-only: kept from the configuration, never read back (null after import). Forces replacement.");
                a.sensitive = true;
                a
            }),
            ("wait_for_healthy", typed_attr(AttributeType::Bool, OptionalComputed, "Whether create waits until the status is `Healthy` (within `timeouts.create`). Default `true` for `gcp_partner`, `false` for `direct` (a port stays `Pending` until its cross-connect is installed). Changing it never replaces.")),
            ("skip_destroy", typed_attr(AttributeType::Bool, Optional, "When true, destroy only removes the interconnect from state (with a warning) and leaves it in Cloudflare. Changing it never replaces.")),
        ];
        for (name, attr_type, description) in InterconnectItem::fields() {
            if COMPUTED_ONLY.contains(&name) {
                attributes.push((name, typed_attr(attr_type, Computed, description)));
            }
        }
        let mut block = block(
            "A Cloudflare Network Interconnect: a direct port in a slot, or a GCP Partner Interconnect attachment. \
             There is no update API: changing an API attribute replaces the interconnect.",
            attributes,
        );
        block.blocks.insert("timeouts".to_owned(), timeouts_block());
        Some(Schema { version: 1, block })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        validate_config(&config, diags);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        mut state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        if self.provider.is_deferred() {
            // The API cannot be reached before the provider's configuration is known: keep the
            // interconnect as it is; the apply (or the next plan) refreshes it.
            return Some((state, private));
        }
        let configured = self.provider.configured(diags)?;
        let account = effective_account(&state.account_id, &self.provider.default_account());
        let (Some(account), Some(name)) = (
            account.as_option(),
            state.id.clone().or(state.name.clone()).as_option(),
        ) else {
            diag::error(
                diags,
                "Incomplete state",
                "The interconnect's state has no account_id or id.",
                None,
            );
            return Some((state, private));
        };
        let gone = |diags: &mut Diagnostics| {
            diag::warning(
                diags,
                format!("Interconnect {name} no longer exists"),
                "It was deleted outside of Terraform; it is removed from state and the plan will create it again.",
                None,
            );
            None
        };
        let interconnect = match configured.client.get_interconnect(&account, &name).await {
            Ok(ic) => ic,
            Err(e) if e.is_not_found() && private.as_ref().is_some_and(Private::may_lag) => {
                diag::warning(
                    diags,
                    format!("Interconnect {name} is not visible yet"),
                    format!("{e}. It was created moments ago and the API may not know its name yet, so it is kept as it is."),
                    None,
                );
                return Some((state, private));
            }
            Err(e) if e.is_not_found() => return gone(diags),
            Err(e) => {
                diag::api_error(diags, format!("Could not read interconnect {name}"), &e);
                return Some((state, private));
            }
        };
        let private = private.map(|p| Private { seen: true, ..p });
        state.account_id = Value::Value(account.clone());
        state.apply_interconnect(&interconnect);
        match configured.client.interconnect_status(&account, &name).await {
            Ok(status) => state.apply_status(Some(&status)),
            // GET has just said it exists: a 404 here proves nothing (lag, or a status not kept yet).
            Err(e) if e.is_not_found() => {
                state.apply_status(None);
                diag::warning(
                    diags,
                    format!("The status of interconnect {name} is not available"),
                    format!(
                        "{e}. The interconnect exists (GET found it), so it is kept, with a null status."
                    ),
                    None,
                );
            }
            Err(e) => diag::api_error(
                diags,
                format!("Could not read the status of interconnect {name}"),
                &e,
            ),
        }
        Some((state, private))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let planned = plan_new(proposed, &self.provider.default_account(), diags);
        Some((planned, None))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State<'a>,
        proposed: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let (planned, replace) = plan_change(&prior, proposed, &config, &self.provider.default_account());
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.provider.configured(diags)?;
        let (state, private) = self.create_and_wait(diags, &configured, planned).await?;
        Some((state, Some(private)))
    }

    async fn update<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        // Only wait_for_healthy, skip_destroy, timeouts (and an imported pairing_key) change in place:
        // none of them exists in the API.
        Some((planned, private))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        let name = state
            .name
            .as_ref_option()
            .or(state.id.as_ref_option())
            .cloned()
            .unwrap_or_default();
        if state.skip_destroy.as_ref_option().copied().unwrap_or(false) {
            diag::warning(
                diags,
                format!("Interconnect {name} was only removed from state"),
                "skip_destroy is true: the interconnect still exists in Cloudflare. Import it again to manage it, or delete it there.",
                None,
            );
            return Some(());
        }
        let configured = self.provider.configured(diags)?;
        let account = effective_account(&state.account_id, &self.provider.default_account())
            .as_option()
            .unwrap_or_default();
        let deadline = Instant::now() + state.timeout(|t| &t.delete, DEFAULT_DELETE_TIMEOUT);
        let client = configured.client.until(deadline);
        match client.delete_interconnect(&account, &name).await {
            Ok(Deleted::Deleted) => tracing::info!("deleting interconnect {name}"),
            Ok(Deleted::AlreadyGone) => {
                tracing::info!("interconnect {name} was already gone");
                return Some(());
            }
            Err(e) => {
                diag::api_error(diags, format!("Could not delete interconnect {name}"), &e);
                return None;
            }
        }
        match wait_until_gone(&client, &account, &name, deadline, configured.poll_interval).await {
            Ok(()) => Some(()),
            Err(e) => {
                diag::wait_error(
                    diags,
                    format!("Interconnect {name} was not confirmed deleted"),
                    &e,
                    "The delete was accepted, but the interconnect was still visible; it stays in state. Run destroy again to wait for it.",
                );
                None
            }
        }
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let provider_account = self.provider.default_account().as_option();
        match parse_import_id(&id, provider_account.as_deref()) {
            Ok((account, name)) => {
                let state = InterconnectState {
                    id: Value::Value(name.clone()),
                    name: Value::Value(name),
                    account_id: Value::Value(account),
                    timeouts: Value::Value(Timeouts::default()),
                    ..Default::default()
                };
                Some((state, None))
            }
            Err(e) => {
                diag::error(diags, "Invalid import ID", e, None);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLOT: &str = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e";

    fn v(s: &str) -> Value<String> {
        Value::Value(s.to_owned())
    }

    fn gcp() -> InterconnectState {
        InterconnectState {
            kind: v("gcp_partner"),
            bandwidth: v("1G"),
            pairing_key: v("7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1"),
            ..Default::default()
        }
    }

    fn direct() -> InterconnectState {
        InterconnectState {
            kind: v("direct"),
            slot_id: v(SLOT),
            ..Default::default()
        }
    }

    fn error_paths(cfg: &InterconnectState) -> Vec<String> {
        let mut diags = Diagnostics::default();
        validate_config(cfg, &mut diags);
        diags.errors.iter().map(|e| e.attribute.to_string()).collect()
    }

    #[test]
    fn valid_configurations_pass() {
        assert!(error_paths(&gcp()).is_empty());
        assert!(error_paths(&direct()).is_empty());
        let unknowns = InterconnectState {
            kind: Value::Unknown,
            slot_id: Value::Unknown,
            ..Default::default()
        };
        assert!(
            error_paths(&unknowns).is_empty(),
            "unknown values are checked at apply"
        );
    }

    #[test]
    fn each_bad_input_is_reported_on_its_attribute() {
        let cases: Vec<(InterconnectState, &str)> = vec![
            (
                InterconnectState {
                    kind: v("aws"),
                    ..Default::default()
                },
                "type",
            ),
            (
                InterconnectState {
                    pairing_key: v("k"),
                    ..direct()
                },
                "pairing_key",
            ),
            (
                InterconnectState {
                    bandwidth: v("1G"),
                    ..direct()
                },
                "bandwidth",
            ),
            (
                InterconnectState {
                    slot_id: v(SLOT),
                    ..gcp()
                },
                "slot_id",
            ),
            (
                InterconnectState {
                    speed: v("10G"),
                    ..gcp()
                },
                "speed",
            ),
            (
                InterconnectState {
                    slot_id: Value::Null,
                    ..direct()
                },
                "slot_id",
            ),
            (
                InterconnectState {
                    slot_id: v("slot-1"),
                    ..direct()
                },
                "slot_id",
            ),
            (
                InterconnectState {
                    bandwidth: Value::Null,
                    ..gcp()
                },
                "bandwidth",
            ),
            (
                InterconnectState {
                    bandwidth: v("3G"),
                    ..gcp()
                },
                "bandwidth",
            ),
            (
                InterconnectState {
                    status: v("Healthy"),
                    ..gcp()
                },
                "status",
            ),
            (InterconnectState { id: v("x"), ..gcp() }, "id"),
            (
                InterconnectState {
                    facility: Value::Unknown,
                    ..gcp()
                },
                "facility",
            ),
            (
                InterconnectState {
                    account_id: v(""),
                    ..gcp()
                },
                "account_id",
            ),
        ];
        for (cfg, path) in cases {
            assert_eq!(error_paths(&cfg), vec![path.to_owned()]);
        }
        let bad_timeout = InterconnectState {
            timeouts: Value::Value(Timeouts {
                create: v("soon"),
                delete: v("5m"),
            }),
            ..gcp()
        };
        assert_eq!(error_paths(&bad_timeout), vec!["timeouts.create".to_owned()]);
    }

    #[test]
    fn unknown_values_are_not_set_and_a_pairing_key_is_needed_only_to_create() {
        let config = InterconnectState {
            bandwidth: Value::Unknown,
            pairing_key: Value::Unknown,
            speed: Value::Unknown,
            ..direct()
        };
        assert!(error_paths(&config).is_empty(), "var.x under terraform validate");
        let keyless = InterconnectState {
            pairing_key: Value::Null,
            ..gcp()
        };
        assert!(
            error_paths(&keyless).is_empty(),
            "an imported attachment needs no key"
        );
        let mut diags = Diagnostics::default();
        plan_new(keyless, &v("acc"), &mut diags);
        let paths: Vec<String> = diags.errors.iter().map(|e| e.attribute.to_string()).collect();
        assert_eq!(paths, vec!["pairing_key".to_owned()], "but creating one does");
    }

    #[test]
    fn what_the_api_did_not_say_and_case_never_replace() {
        let mut imported = applied(gcp());
        imported.bandwidth = Value::Null;
        imported.pairing_key = Value::Null;
        let keyless = InterconnectState {
            pairing_key: Value::Null,
            ..gcp()
        };
        let mut proposed = imported.clone();
        proposed.bandwidth = v("1G");
        let (planned, replace) = plan_change(&imported, proposed, &keyless, &v("acc"));
        assert!(replace.is_empty(), "{replace:?}");
        assert_eq!(planned.bandwidth, v("1G"), "the configured bandwidth is adopted");

        let port = applied(direct());
        let shouting = InterconnectState {
            slot_id: v(&SLOT.to_uppercase()),
            speed: v("1g"),
            ..direct()
        };
        let mut proposed = port.clone();
        proposed.slot_id = shouting.slot_id.clone();
        proposed.speed = shouting.speed.clone();
        let (_, replace) = plan_change(&port, proposed, &shouting, &v("acc"));
        assert!(replace.is_empty(), "{replace:?}");

        let with_key = applied(gcp());
        let mut proposed = with_key.clone();
        proposed.pairing_key = Value::Null;
        let (_, replace) = plan_change(&with_key, proposed, &keyless, &v("acc"));
        assert!(
            replace.is_empty(),
            "dropping the key from the configuration replaces nothing"
        );
    }

    #[test]
    fn an_unknown_provider_account_keeps_the_interconnects_own() {
        let prior = applied(gcp());
        let (planned, replace) = plan_change(&prior, prior.clone(), &gcp(), &Value::Unknown);
        assert!(replace.is_empty(), "{replace:?}");
        assert_eq!(planned.account_id, v("acc"));
    }

    #[test]
    fn a_new_plan_resolves_defaults_and_leaves_computed_unknown() {
        let mut diags = Diagnostics::default();
        let planned = plan_new(gcp(), &v("acc"), &mut diags);
        assert!(diags.errors.is_empty());
        assert_eq!(planned.account_id, v("acc"));
        assert_eq!(planned.wait_for_healthy, Value::Value(true));
        assert!(planned.id.is_unknown() && planned.status.is_unknown() && planned.speed.is_unknown());
        assert_eq!(
            plan_new(direct(), &v("acc"), &mut diags).wait_for_healthy,
            Value::Value(false)
        );
        let explicit = InterconnectState {
            wait_for_healthy: Value::Value(true),
            speed: v("10G"),
            ..direct()
        };
        let planned = plan_new(explicit, &v("acc"), &mut diags);
        assert_eq!(
            (planned.wait_for_healthy, planned.speed),
            (Value::Value(true), v("10G"))
        );
        assert!(diags.errors.is_empty());
        plan_new(gcp(), &Value::Null, &mut diags);
        assert_eq!(diags.errors[0].attribute, AttributePath::new("account_id"));
        assert!(plan_new(gcp(), &Value::Unknown, &mut Diagnostics::default())
            .account_id
            .is_unknown());
    }

    fn applied(cfg: InterconnectState) -> InterconnectState {
        let mut state = plan_new(cfg, &v("acc"), &mut Diagnostics::default());
        state.id = v("icon-1");
        state.name = v("icon-1");
        state.speed = v("1G");
        state.status = v("Healthy");
        state
    }

    #[test]
    fn an_unchanged_configuration_plans_no_change() {
        let prior = applied(gcp());
        let (planned, replace) = plan_change(&prior, prior.clone(), &gcp(), &v("acc"));
        assert!(replace.is_empty());
        assert!(planned == prior, "the plan differs from the state");
    }

    #[test]
    fn every_api_attribute_forces_replacement() {
        let prior = applied(gcp());
        let changes: Vec<(InterconnectState, &str)> = vec![
            (
                InterconnectState {
                    bandwidth: v("2G"),
                    ..gcp()
                },
                "bandwidth",
            ),
            (
                InterconnectState {
                    pairing_key: v("other"),
                    ..gcp()
                },
                "pairing_key",
            ),
            (
                InterconnectState {
                    account_id: v("other"),
                    ..gcp()
                },
                "account_id",
            ),
            (
                InterconnectState {
                    kind: v("direct"),
                    bandwidth: Value::Null,
                    pairing_key: Value::Null,
                    slot_id: v(SLOT),
                    ..gcp()
                },
                "type",
            ),
        ];
        for (config, path) in changes {
            let mut proposed = prior.clone();
            proposed.kind = config.kind.clone();
            proposed.bandwidth = config.bandwidth.clone();
            proposed.pairing_key = config.pairing_key.clone();
            proposed.slot_id = config.slot_id.clone();
            let (planned, replace) = plan_change(&prior, proposed, &config, &v("acc"));
            assert!(replace.contains(&AttributePath::new(path)), "{path}: {replace:?}");
            assert!(planned.id.is_unknown() && planned.status.is_unknown(), "{path}");
        }
        let port = applied(direct());
        let config = InterconnectState {
            speed: v("100G"),
            ..direct()
        };
        let mut proposed = port.clone();
        proposed.speed = v("100G");
        let (_, replace) = plan_change(&port, proposed, &config, &v("acc"));
        assert_eq!(replace, vec![AttributePath::new("speed")]);
        let (_, replace) = plan_change(&port, port.clone(), &direct(), &v("other-provider-account"));
        assert_eq!(
            replace,
            vec![AttributePath::new("account_id")],
            "the provider's account changed"
        );
    }

    #[test]
    fn local_attributes_change_in_place() {
        let prior = applied(gcp());
        let config = InterconnectState {
            wait_for_healthy: Value::Value(false),
            skip_destroy: Value::Value(true),
            timeouts: Value::Value(Timeouts {
                create: v("1h"),
                delete: Value::Null,
            }),
            ..gcp()
        };
        let mut proposed = prior.clone();
        proposed.wait_for_healthy = config.wait_for_healthy;
        proposed.skip_destroy = config.skip_destroy;
        proposed.timeouts = config.timeouts.clone();
        let (planned, replace) = plan_change(&prior, proposed, &config, &v("acc"));
        assert!(replace.is_empty());
        assert_eq!(planned.id, v("icon-1"), "computed values are kept");
        assert_eq!(planned.wait_for_healthy, Value::Value(false));
    }

    #[test]
    fn an_imported_interconnect_takes_the_configured_pairing_key_in_place() {
        let mut prior = applied(gcp());
        prior.pairing_key = Value::Null;
        let (_, replace) = plan_change(&prior, applied(gcp()), &gcp(), &v("acc"));
        assert!(replace.is_empty(), "{replace:?}");
    }

    #[test]
    fn create_requests_carry_the_variant_fields() {
        let planned = plan_new(direct(), &v("acc"), &mut Diagnostics::default());
        match create_request(&planned) {
            Ok(CreateInterconnect::Direct {
                account,
                slot_id,
                speed,
            }) => {
                assert_eq!(
                    (account.as_str(), slot_id.to_string().as_str(), speed),
                    ("acc", SLOT, None)
                );
            }
            _ => panic!("not a direct request"),
        }
        let planned = plan_new(gcp(), &v("acc"), &mut Diagnostics::default());
        assert!(matches!(
            create_request(&planned),
            Ok(CreateInterconnect::GcpPartner {
                bandwidth: Bandwidth::G1,
                ..
            })
        ));
    }

    #[test]
    fn import_ids_name_the_account_or_use_the_providers() {
        assert_eq!(
            parse_import_id("acc/icon-1", None),
            Ok(("acc".into(), "icon-1".into()))
        );
        assert_eq!(
            parse_import_id("icon-1", Some("p")),
            Ok(("p".into(), "icon-1".into()))
        );
        for bad in ["icon-1", "", "/icon-1", "acc/", "a/b/c"] {
            assert!(parse_import_id(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn reading_an_import_fills_the_configuration_attributes_from_the_api() {
        let json =
            r#"{"account":"acc","name":"icon-9","type":"gcp_partner","region":"us-east1","speed":"2G"}"#;
        let ic: Interconnect = serde_json::from_str(json).expect("decodes");
        let mut state = InterconnectState {
            id: v("icon-9"),
            account_id: v("acc"),
            ..Default::default()
        };
        state.apply_interconnect(&ic);
        assert_eq!(
            (state.kind, state.bandwidth, state.speed),
            (v("gcp_partner"), v("2G"), v("2G"))
        );
        assert_eq!(state.wait_for_healthy, Value::Value(true));
        assert!(state.pairing_key.is_null() && state.slot_id.is_null());
        assert!(state.timeouts.is_value());
    }
}
