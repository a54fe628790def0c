//! The mock's in-memory model of one CNI deployment: slots, interconnects and their link status, CNI
//! objects and account settings.
//!
//! Pure logic with no HTTP: every operation takes plain values and returns the JSON the API would send,
//! or the [`ApiFailure`] it would answer with.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::envelope::{code, ApiFailure};

mod cni_body;
mod cnis;
mod config;
mod fields;
mod loa;
mod slots;
#[cfg(test)]
mod tests;
mod validate;

pub use cni_body::{md5_key_allowed, BGP_MODES};
pub use config::{CniQuirk, EndOfList, HealthyAfter, NotFoundBody, StoreConfig, DEFAULT_ASN};
use fields::{required_str, Outcome};

/// What the request log stores instead of a secret: `sha256:` and the first 12 hex digits of its
/// SHA-256, enough to tell which key a request carried without keeping the key.
pub fn fingerprint(secret: &str) -> String {
    use sha2::Digest;
    format!(
        "sha256:{}",
        &hex::encode(sha2::Sha256::digest(secret.as_bytes()))[..12]
    )
}

use slots::{render_slot, seeded_slots, SlotRecord};
pub use slots::{SlotQuery, FIRST_SLOT_ID};

/// The bandwidth values `gcp_partner` accepts.
pub const BANDWIDTHS: [&str; 12] = [
    "50M", "100M", "200M", "300M", "400M", "500M", "1G", "2G", "5G", "10G", "20G", "50G",
];

/// A link status as the mock reports it; `state` is free text so tests can inject unknown states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MockStatus {
    /// `Pending`, `Down`, `Unhealthy`, `Healthy`, or anything else.
    pub state: String,
    /// The reason of a `Down`/`Unhealthy` state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl MockStatus {
    fn named(state: &str) -> Self {
        MockStatus {
            state: state.to_owned(),
            reason: None,
        }
    }
}

/// How an interconnect's status evolves, as set through the control API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusScript {
    /// The configured lifecycle: `Pending`, then `Healthy` (see [`HealthyAfter`]).
    Auto,
    /// Always this status.
    Fixed(MockStatus),
    /// One status per poll, the last one staying.
    Sequence(VecDeque<MockStatus>),
}

#[derive(Debug, Clone)]
enum Kind {
    Direct {
        slot: usize,
        speed: String,
    },
    GcpPartner {
        region: String,
        bandwidth: String,
        pairing_key: String,
    },
}

#[derive(Debug, Clone)]
struct Record {
    account: String,
    name: String,
    kind: Kind,
    virtual_port_reservation_id: String,
    created: Instant,
    script: StatusScript,
    polls: u32,
    last_status: MockStatus,
    deleting: Option<u32>,
    /// Reads that still answer 404 (read-after-write lag).
    unseen_reads: u32,
    /// Listings that still leave it out (listing lag).
    unlisted: u32,
}

/// The mock's data.
#[derive(Debug)]
pub struct Store {
    config: StoreConfig,
    next_seq: u64,
    /// The last name number given in each account (with `names_per_account`).
    names_given: std::collections::HashMap<String, u64>,
    /// Every pairing key ever used (with `single_use_keys`).
    used_keys: std::collections::HashSet<String>,
    interconnects: BTreeMap<u64, Record>,
    slots: Vec<SlotRecord>,
    /// The CNI objects, in creation order.
    cnis: BTreeMap<u64, cni_body::CniRecord>,
    /// The last CNI number given.
    cni_seq: u64,
    /// How many `/31` pairs have been handed out.
    pairs_given: u32,
    /// Each account's `default_asn`, once set.
    default_asns: std::collections::HashMap<String, u64>,
}

impl Store {
    /// A store with the seeded slots and no interconnects.
    pub fn new(config: StoreConfig) -> Self {
        let slots = seeded_slots(config.slots_per_site);
        Store {
            config,
            next_seq: 1,
            names_given: Default::default(),
            used_keys: Default::default(),
            interconnects: BTreeMap::new(),
            slots,
            cnis: BTreeMap::new(),
            cni_seq: 0,
            pairs_given: 0,
            default_asns: Default::default(),
        }
    }

    /// The body of a 404 for an object that does not exist.
    pub fn not_found_body(&self) -> NotFoundBody {
        self.config.not_found_body
    }

    /// `GET /interconnects`: filtered, in creation order, one page from `cursor`. A new interconnect
    /// within its listing lag is left out (and the listing counted); a deleted one still shown counts
    /// the listing as one of the reads that see it.
    pub fn list_interconnects(
        &mut self,
        account: &str,
        site: Option<&str>,
        kind: Option<&str>,
        cursor: Option<u64>,
        limit: Option<usize>,
    ) -> Value {
        let wanted = |store: &Store, r: &Record| {
            r.account == account
                && kind.is_none_or(|k| r.kind_name() == k)
                && site.is_none_or(|s| store.site_of(r) == Some(s))
        };
        let lagging: Vec<u64> = self
            .interconnects
            .range(cursor.unwrap_or(0)..)
            .filter(|(_, r)| r.unlisted > 0 && wanted(self, r))
            .map(|(seq, _)| *seq)
            .collect();
        let matching = self
            .interconnects
            .range(cursor.unwrap_or(0)..)
            .filter(|(_, r)| r.unlisted == 0 && wanted(self, r));
        let (items, next) = self.page(matching, limit, |(_, r)| self.render(r));
        for seq in lagging {
            if let Some(record) = self.interconnects.get_mut(&seq) {
                record.unlisted -= 1;
            }
        }
        let shown_deleting: Vec<u64> = self
            .interconnects
            .range(cursor.unwrap_or(0)..next.unwrap_or(u64::MAX))
            .filter(|(_, r)| r.deleting.is_some() && r.unlisted == 0 && wanted(self, r))
            .map(|(seq, _)| *seq)
            .collect();
        for seq in shown_deleting {
            self.count_down_deletion(seq);
        }
        self.list_body(items, next)
    }

    /// A list answer: the items and the cursor of the next page, or the end-of-list marker.
    fn list_body(&self, items: Vec<Value>, next: Option<u64>) -> Value {
        let next = match (next, self.config.end_of_list) {
            (Some(cursor), _) => json!(cursor),
            (None, EndOfList::Zero) => json!(0),
            (None, EndOfList::Null) => Value::Null,
        };
        json!({"items": items, "next": next})
    }

    fn page<'a, I, T, F>(&self, matching: I, limit: Option<usize>, render: F) -> (Vec<Value>, Option<u64>)
    where
        I: Iterator<Item = (&'a u64, T)>,
        F: Fn(&(&'a u64, T)) -> Value,
    {
        let size = limit
            .filter(|l| *l > 0)
            .unwrap_or(self.config.page_size)
            .min(self.config.page_size);
        let mut items = Vec::new();
        let mut next = None;
        for entry in matching {
            if items.len() == size {
                next = Some(*entry.0);
                break;
            }
            items.push(render(&entry));
        }
        (items, next)
    }

    /// `GET /interconnects/{name}`.
    pub fn get_interconnect(&mut self, account: &str, name: &str) -> Outcome<Value> {
        let seq = self.find_visible(account, name)?;
        let rendered = self
            .interconnects
            .get(&seq)
            .map(|r| self.render(r))
            .unwrap_or_default();
        self.count_down_deletion(seq);
        Ok(rendered)
    }

    /// `POST /interconnects`, with the API's validation.
    pub fn create_interconnect(&mut self, account: &str, body: &Value) -> Outcome<Value> {
        let body = body.as_object().ok_or_else(|| {
            ApiFailure::bad_request(code::INVALID_BODY, "request body must be a JSON object")
        })?;
        let body_account = required_str(body, "account")?;
        if body_account != account {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "account: must be the account_id of the request path",
            ));
        }
        let kind = match required_str(body, "type")? {
            "direct" => self.validate_direct(body)?,
            "gcp_partner" => self.validate_gcp_partner(body)?,
            other => {
                return Err(ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    format!(
                        "type: unknown interconnect type {other:?}; expected \"direct\" or \"gcp_partner\""
                    ),
                ))
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        let number = if self.config.names_per_account {
            let given = self.names_given.entry(account.to_owned()).or_default();
            *given += 1;
            *given
        } else {
            seq
        };
        let name = format!("icon-{number:06}");
        if let Kind::GcpPartner { pairing_key, .. } = &kind {
            if self.config.single_use_keys {
                self.used_keys.insert(pairing_key.clone());
            }
        }
        if let Kind::Direct { slot, .. } = &kind {
            self.slots[*slot].occupant = Some((account.to_owned(), name.clone()));
        }
        let record = Record {
            account: account.to_owned(),
            name,
            kind,
            virtual_port_reservation_id: uuid::Uuid::new_v4().to_string(),
            created: Instant::now(),
            script: StatusScript::Auto,
            polls: 0,
            last_status: MockStatus::named("Pending"),
            deleting: None,
            unseen_reads: self.config.read_lag,
            unlisted: self.config.list_lag,
        };
        let rendered = self.render(&record);
        self.interconnects.insert(seq, record);
        Ok(rendered)
    }

    /// `DELETE /interconnects/{name}`: gone at once, or after `delete_lag` more reads that see it;
    /// refused (409) while it hosts CNIs.
    pub fn delete_interconnect(&mut self, account: &str, name: &str) -> Outcome<()> {
        let seq = self.find(account, name)?;
        if !self.cnis_on(account, name).is_empty() {
            return Err(ApiFailure::new(
                axum::http::StatusCode::CONFLICT,
                code::HOSTS_CNIS,
                "Interconnect has associated CNIs",
            ));
        }
        let lag = self.config.delete_lag;
        if lag == 0 {
            self.remove(seq);
        } else if let Some(record) = self.interconnects.get_mut(&seq) {
            record.deleting.get_or_insert(lag);
        }
        Ok(())
    }

    /// `GET /interconnects/{name}/status`: advances the status lifecycle by one poll.
    pub fn poll_status(&mut self, account: &str, name: &str) -> Outcome<Value> {
        let seq = self.find_visible(account, name)?;
        let (gcp, direct) = (self.config.healthy_after, self.config.direct_healthy_after);
        let record = self
            .interconnects
            .get_mut(&seq)
            .ok_or_else(|| ApiFailure::not_found("Interconnect not found"))?;
        record.polls += 1;
        let status = match &mut record.script {
            StatusScript::Auto => {
                let healthy_after = if matches!(record.kind, Kind::Direct { .. }) {
                    direct
                } else {
                    gcp
                };
                auto_status(healthy_after, record.polls, record.created.elapsed())
            }
            StatusScript::Fixed(status) => status.clone(),
            StatusScript::Sequence(steps) if steps.len() > 1 => {
                steps.pop_front().unwrap_or_else(|| MockStatus::named("Pending"))
            }
            StatusScript::Sequence(steps) => steps
                .front()
                .cloned()
                .unwrap_or_else(|| MockStatus::named("Pending")),
        };
        record.last_status = status.clone();
        Ok(serde_json::to_value(status).unwrap_or_default())
    }

    /// `GET /slots`: filtered, one page from `cursor` (slot positions are the cursor).
    pub fn list_slots(&self, query: &SlotQuery, cursor: Option<u64>, limit: Option<usize>) -> Value {
        let positions: Vec<u64> = (0..self.slots.len() as u64).collect();
        let matching = positions
            .iter()
            .skip(cursor.unwrap_or(0) as usize)
            .map(|p| (p, &self.slots[*p as usize]))
            .filter(|(_, s)| query.matches(s));
        let (items, next) = self.page(matching, limit, |(_, s)| render_slot(s));
        self.list_body(items, next)
    }

    /// `GET /slots/{id}`.
    pub fn get_slot(&self, id: &str) -> Outcome<Value> {
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "slot: must be a UUID",
            ));
        }
        self.slots
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
            .map(render_slot)
            .ok_or_else(|| ApiFailure::not_found("Slot not found"))
    }

    /// Every interconnect of every account, with the mock's bookkeeping (for `/__mock/interconnects`).
    pub fn dump(&self) -> Value {
        let items: Vec<Value> = self
            .interconnects
            .values()
            .map(|r| {
                let mut v = self.render(r);
                if let Some(obj) = v.as_object_mut() {
                    obj.insert(
                        "status".into(),
                        serde_json::to_value(&r.last_status).unwrap_or_default(),
                    );
                    obj.insert("status_polls".into(), json!(r.polls));
                    obj.insert("deleting".into(), json!(r.deleting.is_some()));
                    if let Kind::GcpPartner { pairing_key, .. } = &r.kind {
                        obj.insert("pairing_key_fingerprint".into(), json!(fingerprint(pairing_key)));
                    }
                }
                v
            })
            .collect();
        Value::Array(items)
    }

    /// How many interconnects exist (in any account).
    pub fn interconnect_count(&self) -> usize {
        self.interconnects.len()
    }

    /// Deletes an interconnect behind the client's back (any account). Returns whether it existed.
    pub fn delete_out_of_band(&mut self, name: &str) -> bool {
        match self.seq_by_name(name) {
            Some(seq) => {
                self.remove(seq);
                true
            }
            None => false,
        }
    }

    /// Replaces an interconnect's status script (any account). Returns whether it existed.
    pub fn set_status_script(&mut self, name: &str, script: StatusScript) -> bool {
        let Some(seq) = self.seq_by_name(name) else {
            return false;
        };
        match self.interconnects.get_mut(&seq) {
            Some(record) => {
                if let StatusScript::Fixed(status) = &script {
                    record.last_status = status.clone();
                }
                record.script = script;
                true
            }
            None => false,
        }
    }

    fn seq_by_name(&self, name: &str) -> Option<u64> {
        self.interconnects
            .iter()
            .find(|(_, r)| r.name == name)
            .map(|(seq, _)| *seq)
    }

    fn find(&self, account: &str, name: &str) -> Outcome<u64> {
        self.interconnects
            .iter()
            .find(|(_, r)| r.account == account && r.name == name)
            .map(|(seq, _)| *seq)
            .ok_or_else(|| ApiFailure::not_found("Interconnect not found"))
    }

    /// Like `find`, but a new interconnect still within its read-after-write lag answers 404 (and
    /// counts the read).
    fn find_visible(&mut self, account: &str, name: &str) -> Outcome<u64> {
        let seq = self.find(account, name)?;
        match self.interconnects.get_mut(&seq) {
            Some(record) if record.unseen_reads > 0 => {
                record.unseen_reads -= 1;
                Err(ApiFailure::not_found("Interconnect not found"))
            }
            _ => Ok(seq),
        }
    }

    fn count_down_deletion(&mut self, seq: u64) {
        let Some(record) = self.interconnects.get_mut(&seq) else {
            return;
        };
        match record.deleting {
            Some(0) | Some(1) => self.remove(seq),
            Some(n) => record.deleting = Some(n - 1),
            None => {}
        }
    }

    fn remove(&mut self, seq: u64) {
        if let Some(record) = self.interconnects.remove(&seq) {
            match record.kind {
                Kind::Direct { slot, .. } => self.slots[slot].occupant = None,
                Kind::GcpPartner { .. } => {}
            }
        }
    }

    fn site_of(&self, record: &Record) -> Option<&str> {
        match &record.kind {
            Kind::Direct { slot, .. } => Some(&self.slots[*slot].site),
            Kind::GcpPartner { .. } => None,
        }
    }

    fn render(&self, record: &Record) -> Value {
        let mut v = json!({
            "account": record.account,
            "name": record.name,
            "type": record.kind_name(),
            "owner": record.account,
            "virtual_port_reservation_id": record.virtual_port_reservation_id,
        });
        let extra = match &record.kind {
            Kind::Direct { slot, speed } => {
                let slot = &self.slots[*slot];
                json!({
                    "facility": slot.facility,
                    "site": slot.site,
                    "slot_id": slot.id,
                    "speed": speed,
                    "ccr_device_name": slot.ccr_device_name,
                })
            }
            Kind::GcpPartner {
                region, bandwidth, ..
            } if self.config.omit_gcp_speed => json!({"region": region}),
            Kind::GcpPartner {
                region, bandwidth, ..
            } => json!({"region": region, "speed": bandwidth}),
        };
        if let (Some(obj), Value::Object(extra)) = (v.as_object_mut(), extra) {
            obj.extend(extra);
        }
        v
    }
}

impl Record {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Direct { .. } => "direct",
            Kind::GcpPartner { .. } => "gcp_partner",
        }
    }
}

fn auto_status(healthy_after: HealthyAfter, polls: u32, age: Duration) -> MockStatus {
    let healthy = match healthy_after {
        HealthyAfter::Polls(n) => polls > n,
        HealthyAfter::Elapsed(d) => age >= d,
        HealthyAfter::Never => false,
    };
    MockStatus::named(if healthy { "Healthy" } else { "Pending" })
}
