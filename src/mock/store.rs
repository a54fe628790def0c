//! The mock's in-memory model of one CNI deployment: slots, interconnects and their link status.
//!
//! Pure logic with no HTTP: every operation takes plain values and returns the JSON the API would send,
//! or the [`ApiFailure`] it would answer with.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::envelope::{code, ApiFailure};

/// The bandwidth values `gcp_partner` accepts.
pub const BANDWIDTHS: [&str; 12] = [
    "50M", "100M", "200M", "300M", "400M", "500M", "1G", "2G", "5G", "10G", "20G", "50G",
];

/// When a new interconnect's status turns from `Pending` to `Healthy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthyAfter {
    /// After this many status polls have answered `Pending` (0: healthy at once).
    Polls(u32),
    /// Once this long has passed since creation.
    Elapsed(Duration),
    /// Never: it stays `Pending` until told otherwise through the control API.
    Never,
}

impl std::str::FromStr for HealthyAfter {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "never" {
            return Ok(HealthyAfter::Never);
        }
        if let Ok(n) = s.parse::<u32>() {
            return Ok(HealthyAfter::Polls(n));
        }
        humantime::parse_duration(s)
            .map(HealthyAfter::Elapsed)
            .map_err(|_| format!("{s:?} is neither a number of polls, a duration (e.g. 2s) nor \"never\""))
    }
}

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

/// How the store behaves.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    /// The default and largest page of list endpoints.
    pub page_size: usize,
    /// When new `gcp_partner` interconnects become healthy.
    pub healthy_after: HealthyAfter,
    /// When new `direct` ports become healthy: by default never, as a real port waits for its
    /// cross-connect (set a status through the control API to install one).
    pub direct_healthy_after: HealthyAfter,
    /// How many GETs still see an interconnect after its DELETE (asynchronous deletion).
    pub delete_lag: u32,
    /// How many slots each seeded site has.
    pub slots_per_site: usize,
    /// Read-after-write lag: how many `GET`s and status reads of a new interconnect answer 404 before
    /// the API knows its name.
    pub read_lag: u32,
    /// Whether `gcp_partner` answers leave out `speed` (it is optional in the API's schema).
    pub omit_gcp_speed: bool,
    /// What `next` says on the last page of a listing.
    pub end_of_list: EndOfList,
    /// Listing lag: a new interconnect is left out of the first N listings that would show it.
    pub list_lag: u32,
    /// Whether a pairing key, once used, can never be used again (as Google's are), even after the
    /// attachment made with it is deleted. Off: a key serves one attachment at a time.
    pub single_use_keys: bool,
    /// Whether names are counted per account (so two accounts can each have `icon-000001`) instead of
    /// across the whole mock.
    pub names_per_account: bool,
    /// The body of a 404 for an object that does not exist.
    pub not_found_body: NotFoundBody,
}

/// The body of the API's 404s: the API documents none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NotFoundBody {
    /// Cloudflare's JSON error envelope.
    #[default]
    Json,
    /// A plain-text line (`text/plain`).
    Text,
    /// No body at all.
    Empty,
}

impl std::str::FromStr for NotFoundBody {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "json" => Ok(NotFoundBody::Json),
            "text" => Ok(NotFoundBody::Text),
            "empty" => Ok(NotFoundBody::Empty),
            other => Err(format!("{other:?} is none of \"json\", \"text\", \"empty\"")),
        }
    }
}

/// What `next` holds on the last page of a listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EndOfList {
    /// `"next": 0`, as in the API documentation's own example.
    #[default]
    Zero,
    /// `"next": null`.
    Null,
}

impl std::str::FromStr for EndOfList {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zero" | "0" => Ok(EndOfList::Zero),
            "null" => Ok(EndOfList::Null),
            other => Err(format!("{other:?} is neither \"zero\" nor \"null\"")),
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            page_size: 50,
            healthy_after: HealthyAfter::Polls(2),
            direct_healthy_after: HealthyAfter::Never,
            delete_lag: 0,
            slots_per_site: 4,
            read_lag: 0,
            omit_gcp_speed: false,
            end_of_list: EndOfList::default(),
            list_lag: 0,
            single_use_keys: false,
            names_per_account: false,
            not_found_body: NotFoundBody::default(),
        }
    }
}

#[derive(Debug, Clone)]
struct SlotRecord {
    id: String,
    site: String,
    speed: String,
    facility: Value,
    ccr_device_name: String,
    occupant: Option<(String, String)>,
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
}

struct Site {
    name: &'static str,
    facility: &'static str,
    address: [&'static str; 3],
}

const SITES: [Site; 4] = [
    Site {
        name: "ewr01",
        facility: "Equinix NY5",
        address: ["800 Secaucus Road", "Secaucus, NJ 07094", "United States"],
    },
    Site {
        name: "lhr01",
        facility: "Telehouse North",
        address: ["Coriander Avenue", "London E14 2AA", "United Kingdom"],
    },
    Site {
        name: "fra01",
        facility: "Interxion FRA1",
        address: ["Hanauer Landstrasse 298", "60314 Frankfurt am Main", "Germany"],
    },
    Site {
        name: "sin01",
        facility: "Equinix SG1",
        address: ["20 Ayer Rajah Crescent", "Singapore 139964", "Singapore"],
    },
];

/// The id of the first seeded slot (ewr01, 10G), the one the examples use.
pub const FIRST_SLOT_ID: &str = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e";

fn seeded_slots(per_site: usize) -> Vec<SlotRecord> {
    let mut slots = Vec::new();
    for (s, site) in SITES.iter().enumerate() {
        for i in 0..per_site {
            let id = if s == 0 && i == 0 {
                FIRST_SLOT_ID.to_owned()
            } else {
                format!("5107{s:04x}-0000-4000-8000-{i:012x}")
            };
            slots.push(SlotRecord {
                id,
                site: site.name.to_owned(),
                speed: if i % 4 == 2 { "100G" } else { "10G" }.to_owned(),
                facility: json!({"name": site.facility, "address": site.address}),
                ccr_device_name: format!("ccr{:02}-{}", i / 2 + 1, site.name),
                occupant: None,
            });
        }
    }
    slots
}

type Outcome<T> = Result<T, ApiFailure>;

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
        }
    }

    /// The body of a 404 for an object that does not exist.
    pub fn not_found_body(&self) -> NotFoundBody {
        self.config.not_found_body
    }

    /// `GET /interconnects`: filtered, in creation order, one page from `cursor`. A new interconnect
    /// within its listing lag is left out (and the listing counted).
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

    fn validate_direct(&self, body: &Map<String, Value>) -> Outcome<Kind> {
        let slot_id = required_str(body, "slot_id")?;
        if uuid::Uuid::parse_str(slot_id).is_err() {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "slot_id: must be a UUID",
            ));
        }
        let slot = self
            .slots
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(slot_id))
            .ok_or_else(|| {
                ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    format!("slot_id: slot {slot_id} does not exist"),
                )
            })?;
        let record = &self.slots[slot];
        if record.occupant.is_some() {
            return Err(ApiFailure::bad_request(
                code::SLOT_OCCUPIED,
                format!("slot {slot_id} is occupied"),
            ));
        }
        let speed = match body.get("speed") {
            None | Some(Value::Null) => record.speed.clone(),
            Some(Value::String(s)) if s.eq_ignore_ascii_case(&record.speed) => record.speed.clone(),
            Some(Value::String(s)) => {
                return Err(ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    format!("speed: slot {slot_id} supports {} only, not {s:?}", record.speed),
                ))
            }
            Some(_) => {
                return Err(ApiFailure::bad_request(
                    code::INVALID_FIELD,
                    "speed: must be a string",
                ))
            }
        };
        Ok(Kind::Direct { slot, speed })
    }

    fn validate_gcp_partner(&self, body: &Map<String, Value>) -> Outcome<Kind> {
        let bandwidth = required_str(body, "bandwidth")?;
        if !BANDWIDTHS.contains(&bandwidth) {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                format!(
                    "bandwidth: unknown value {bandwidth:?}; expected one of {}",
                    BANDWIDTHS.join(", ")
                ),
            ));
        }
        let pairing_key = required_str(body, "pairing_key")?;
        let region = gcp_region(pairing_key).ok_or_else(|| {
            ApiFailure::bad_request(
                code::INVALID_FIELD,
                "pairing_key: not a GCP pairing key (expected <uuid>/<region>/<1|2>)",
            )
        })?;
        let in_use = self
            .interconnects
            .values()
            .any(|r| matches!(&r.kind, Kind::GcpPartner { pairing_key: used, .. } if used == pairing_key));
        if in_use {
            return Err(ApiFailure::bad_request(
                code::PAIRING_KEY_USED,
                "pairing_key: an existing interconnect already uses this pairing key",
            ));
        }
        if self.used_keys.contains(pairing_key) {
            return Err(ApiFailure::bad_request(
                code::PAIRING_KEY_USED,
                "pairing_key: this pairing key has already been used; GCP pairing keys are single-use, create a new VLAN attachment for a new key",
            ));
        }
        Ok(Kind::GcpPartner {
            region,
            bandwidth: bandwidth.to_owned(),
            pairing_key: pairing_key.to_owned(),
        })
    }

    /// `DELETE /interconnects/{name}`: gone at once, or after `delete_lag` more GETs.
    pub fn delete_interconnect(&mut self, account: &str, name: &str) -> Outcome<()> {
        let seq = self.find(account, name)?;
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

    /// `GET /interconnects/{name}/loa`: a small PDF, generated anew on each call.
    pub fn loa(&self, account: &str, name: &str, loa_name: Option<&str>) -> Outcome<Vec<u8>> {
        if loa_name.is_some_and(|n| n.chars().count() > 200) {
            return Err(ApiFailure::bad_request(
                code::INVALID_FIELD,
                "name: at most 200 characters",
            ));
        }
        let seq = self.find(account, name)?;
        let record = &self.interconnects[&seq];
        let Kind::Direct { slot, speed } = &record.kind else {
            return Err(ApiFailure::bad_request(
                code::NOT_APPLICABLE,
                "an LOA exists only for direct interconnects",
            ));
        };
        let slot = &self.slots[*slot];
        let facility = slot
            .facility
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let lines = [
            "LETTER OF AUTHORIZATION".to_owned(),
            format!("Customer: {}", loa_name.unwrap_or(&record.account)),
            format!("Interconnect: {} ({speed})", record.name),
            format!(
                "Facility: {facility}, site {}, device {}",
                slot.site, slot.ccr_device_name
            ),
            format!(
                "Issued: {}",
                humantime::format_rfc3339_millis(std::time::SystemTime::now())
            ),
        ];
        Ok(minimal_pdf(&lines))
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
                        obj.insert(
                            "pairing_key_fingerprint".into(),
                            json!(super::control::fingerprint(pairing_key)),
                        );
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

/// Filters of `GET /slots`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SlotQuery {
    /// Only this site.
    pub site: Option<String>,
    /// Only this speed.
    pub speed: Option<String>,
    /// Only occupied or free slots.
    pub occupied: Option<bool>,
    /// Only slots whose address contains this text (case-insensitive).
    pub address_contains: Option<String>,
}

impl SlotQuery {
    fn matches(&self, slot: &SlotRecord) -> bool {
        self.site.as_ref().is_none_or(|s| *s == slot.site)
            && self.speed.as_ref().is_none_or(|s| *s == slot.speed)
            && self.occupied.is_none_or(|o| o == slot.occupant.is_some())
            && self.address_contains.as_ref().is_none_or(|needle| {
                let needle = needle.to_lowercase();
                slot.facility["address"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .any(|line| line.to_lowercase().contains(&needle))
            })
    }
}

fn render_slot(slot: &SlotRecord) -> Value {
    json!({
        "id": slot.id,
        "facility": slot.facility,
        "occupied": slot.occupant.is_some(),
        "site": slot.site,
        "speed": slot.speed,
        "account": slot.occupant.as_ref().map(|(account, _)| account),
        "ccr_device_name": slot.ccr_device_name,
    })
}

fn auto_status(healthy_after: HealthyAfter, polls: u32, age: Duration) -> MockStatus {
    let healthy = match healthy_after {
        HealthyAfter::Polls(n) => polls > n,
        HealthyAfter::Elapsed(d) => age >= d,
        HealthyAfter::Never => false,
    };
    MockStatus::named(if healthy { "Healthy" } else { "Pending" })
}

fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Outcome<&'a str> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiFailure::bad_request(
            code::MISSING_FIELD,
            format!("{field}: missing required field"),
        )),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(ApiFailure::bad_request(
            code::INVALID_FIELD,
            format!("{field}: must not be empty"),
        )),
        Some(_) => Err(ApiFailure::bad_request(
            code::INVALID_FIELD,
            format!("{field}: must be a string"),
        )),
    }
}

/// The region of a GCP pairing key `<uuid>/<region>/<1|2>`, or `None` if it is not one.
fn gcp_region(key: &str) -> Option<String> {
    let mut parts = key.split('/');
    let (id, region, domain) = (parts.next()?, parts.next()?, parts.next()?);
    let valid = parts.next().is_none()
        && uuid::Uuid::parse_str(id).is_ok()
        && !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && matches!(domain, "1" | "2");
    valid.then(|| region.to_owned())
}

/// A one-page PDF showing `lines`, with a correct cross-reference table.
fn minimal_pdf(lines: &[String]) -> Vec<u8> {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let mut text = String::from("BT /F1 12 Tf 72 720 Td 16 TL\n");
    for line in lines {
        text.push_str(&format!("({}) '\n", escape(line)));
    }
    text.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACC: &str = "023e105f4ecef8ad9ca31a8372d0c353";

    fn store() -> Store {
        Store::new(StoreConfig::default())
    }

    /// Creates an interconnect and returns its name.
    fn created_name(s: &mut Store, body: &Value) -> String {
        let created = s.create_interconnect(ACC, body).expect("created");
        created["name"].as_str().map(str::to_owned).unwrap_or_default()
    }

    fn gcp(key: &str) -> Value {
        json!({"account": ACC, "type": "gcp_partner", "bandwidth": "1G", "pairing_key": key})
    }

    const KEY: &str = "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/1";

    #[test]
    fn pairing_keys_are_checked_for_shape() {
        assert_eq!(gcp_region(KEY).as_deref(), Some("us-central1"));
        for bad in [
            "",
            "x/us-central1/1",
            "7e51371e-72a3-40b5-b844-2e3efefaee59/us-central1/3",
            "7e51371e-72a3-40b5-b844-2e3efefaee59//1",
            "7e51371e-72a3-40b5-b844-2e3efefaee59/a/1/2",
        ] {
            assert_eq!(gcp_region(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pairing_key_serves_one_interconnect_at_a_time() {
        let mut s = store();
        let name = created_name(&mut s, &gcp(KEY));
        let err = s.create_interconnect(ACC, &gcp(KEY)).expect_err("in use");
        assert_eq!(err.code, code::PAIRING_KEY_USED);
        assert!(s.delete_interconnect(ACC, &name).is_ok());
        assert!(
            s.create_interconnect(ACC, &gcp(KEY)).is_ok(),
            "free again once deleted"
        );
    }

    #[test]
    fn statuses_follow_polls_then_scripts() {
        let mut s = store();
        let name = created_name(&mut s, &gcp(KEY));
        let states: Vec<Value> = (0..3)
            .map(|_| s.poll_status(ACC, &name).expect("status")["state"].clone())
            .collect();
        assert_eq!(states, vec![json!("Pending"), json!("Pending"), json!("Healthy")]);
        let steps = ["Down", "Unhealthy", "Healthy"]
            .map(MockStatus::named)
            .into_iter()
            .collect();
        assert!(s.set_status_script(&name, StatusScript::Sequence(steps)));
        let states: Vec<Value> = (0..4)
            .map(|_| s.poll_status(ACC, &name).expect("status")["state"].clone())
            .collect();
        assert_eq!(
            states,
            vec![
                json!("Down"),
                json!("Unhealthy"),
                json!("Healthy"),
                json!("Healthy")
            ]
        );
    }

    #[test]
    fn direct_ports_stay_pending_until_a_cross_connect_is_installed() {
        let mut s = store();
        let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
        let name = created_name(&mut s, &body);
        for _ in 0..5 {
            assert_eq!(
                s.poll_status(ACC, &name).expect("status")["state"],
                json!("Pending")
            );
        }
        assert!(s.set_status_script(&name, StatusScript::Fixed(MockStatus::named("Healthy"))));
        assert_eq!(
            s.poll_status(ACC, &name).expect("status")["state"],
            json!("Healthy")
        );
    }

    #[test]
    fn deletion_lag_keeps_the_object_visible_for_some_gets() {
        let mut s = Store::new(StoreConfig {
            delete_lag: 2,
            ..StoreConfig::default()
        });
        let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
        let name = created_name(&mut s, &body);
        assert!(s.delete_interconnect(ACC, &name).is_ok());
        assert!(s.get_interconnect(ACC, &name).is_ok());
        assert!(s.get_interconnect(ACC, &name).is_ok());
        assert!(s.get_interconnect(ACC, &name).is_err());
        assert!(
            s.create_interconnect(ACC, &body).is_ok(),
            "the slot is free again"
        );
    }

    #[test]
    fn the_loa_is_a_pdf_with_the_custom_name() {
        let mut s = store();
        let body = json!({"account": ACC, "type": "direct", "slot_id": FIRST_SLOT_ID});
        let name = created_name(&mut s, &body);
        let pdf = s.loa(ACC, &name, Some("ACME (NJ) Corp")).expect("loa");
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.starts_with("%PDF-1.4") && text.trim_end().ends_with("%%EOF"));
        assert!(text.contains("ACME \\(NJ\\) Corp"));
    }

    #[test]
    fn healthy_after_parses_polls_durations_and_never() {
        assert_eq!("3".parse(), Ok(HealthyAfter::Polls(3)));
        assert_eq!(
            "1500ms".parse(),
            Ok(HealthyAfter::Elapsed(Duration::from_millis(1500)))
        );
        assert_eq!("never".parse(), Ok(HealthyAfter::Never));
        assert!("soon".parse::<HealthyAfter>().is_err());
    }
}
