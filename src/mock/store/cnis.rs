//! The CNI objects (`/cni/cnis`: the IP link, Magic conduit and BGP session over an interconnect) and
//! the account settings (`/cni/settings`) in the store, with the API's checks: a conduit name is unique
//! in its account (409 "Name Conflict"), the `/31` pair is assigned at create, a PUT takes the whole
//! object and cannot move it to another interconnect, and `bgp_mode` is taken only by a PUT.

use std::net::Ipv4Addr;

use serde_json::{json, Value};

use super::super::envelope::{code, ApiFailure};
use super::cni_body::{
    bgp, check_pair, grown_defaults, grown_in, invalid, magic, object, same_account, whole_number, CniRecord,
    BGP_MODES, MAX_ASN,
};
use super::config::CniQuirk;
use super::fields::{required_str, Outcome};
use super::{Kind, Store};

/// The first address of the point-to-point pairs the mock hands out (in 100.64.0.0/10).
const FIRST_PAIR: Ipv4Addr = Ipv4Addr::new(100, 64, 0, 0);

impl Store {
    /// `GET /cni/cnis`: in creation order, one page from `cursor`, only those on the slot `slot` (of a
    /// direct port) when given. The mock has no tunnels: a `tunnel_id` filter matches nothing. A new
    /// CNI within its listing lag is left out (and the listing counted).
    pub fn list_cnis(
        &mut self,
        account: &str,
        (slot, tunnel_id): (Option<&str>, Option<&str>),
        cursor: Option<u64>,
        limit: Option<usize>,
    ) -> Value {
        let wanted = |store: &Store, c: &CniRecord| {
            c.account == account
                && tunnel_id.is_none()
                && slot.is_none_or(|slot| store.slot_of(account, &c.interconnect) == Some(slot))
        };
        let lagging: Vec<u64> = self
            .cnis
            .range(cursor.unwrap_or(0)..)
            .filter(|(_, c)| c.unlisted > 0 && wanted(self, c))
            .map(|(seq, _)| *seq)
            .collect();
        let matching = self
            .cnis
            .range(cursor.unwrap_or(0)..)
            .filter(|(_, c)| c.unlisted == 0 && wanted(self, c));
        let quirks = &self.config.cni_quirks;
        let (items, next) = self.page(matching, limit, |(_, c)| c.answer(quirks));
        for seq in lagging {
            if let Some(record) = self.cnis.get_mut(&seq) {
                record.unlisted -= 1;
            }
        }
        self.list_body(items, next)
    }

    /// `GET /cni/cnis/{cni}`.
    pub fn get_cni(&self, account: &str, id: &str) -> Outcome<Value> {
        let seq = self.find_cni(account, id)?;
        Ok(self.cnis[&seq].answer(&self.config.cni_quirks))
    }

    /// `POST /cni/cnis`: `account`, `interconnect`, `magic` and `bgp`; the `/31` pair is assigned here.
    pub fn create_cni(&mut self, account: &str, body: &Value) -> Outcome<Value> {
        let body = object(body)?;
        same_account(body, account)?;
        for assigned in ["p2p_ip", "cust_ip", "bgp_mode", "id"] {
            if body.get(assigned).is_some_and(|v| !v.is_null()) {
                return Err(invalid(format!(
                    "{assigned}: cannot be set when creating a CNI{}",
                    if assigned == "bgp_mode" {
                        "; set it with an update"
                    } else {
                        ""
                    }
                )));
            }
        }
        let interconnect = required_str(body, "interconnect")?.to_owned();
        self.find(account, &interconnect).map_err(|_| {
            invalid(format!(
                "interconnect: no interconnect {interconnect:?} in this account"
            ))
        })?;
        let magic = magic(body)?;
        self.check_conduit_name_free(account, &magic.conduit_name, None)?;
        let (p2p_ip, cust_ip) = self.next_pair();
        let record = CniRecord {
            id: uuid::Uuid::new_v4().to_string(),
            account: account.to_owned(),
            interconnect,
            magic,
            p2p_ip,
            cust_ip,
            bgp: bgp(body)?,
            bgp_mode: None,
            grown: match self.config.cni_quirks.contains(&CniQuirk::GrownMembers) {
                true => grown_defaults(),
                false => Vec::new(),
            },
            unlisted: self.config.list_lag,
        };
        let rendered = record.answer(&self.config.cni_quirks);
        self.cni_seq += 1;
        self.cnis.insert(self.cni_seq, record);
        Ok(rendered)
    }

    /// `PUT /cni/cnis/{cni}`: the whole object; what it leaves out (`bgp`, `bgp_mode`) is removed.
    pub fn update_cni(&mut self, account: &str, id: &str, body: &Value) -> Outcome<Value> {
        let seq = self.find_cni(account, id)?;
        let body = object(body)?;
        same_account(body, account)?;
        if !required_str(body, "id")?.eq_ignore_ascii_case(id) {
            return Err(invalid("id: must be the CNI of the request path"));
        }
        let interconnect = required_str(body, "interconnect")?;
        if interconnect != self.cnis[&seq].interconnect {
            return Err(invalid("interconnect: a CNI cannot move to another interconnect"));
        }
        let magic = magic(body)?;
        self.check_conduit_name_free(account, &magic.conduit_name, Some(seq))?;
        let (p2p_ip, cust_ip) = (required_str(body, "p2p_ip")?, required_str(body, "cust_ip")?);
        check_pair(p2p_ip, cust_ip)?;
        let bgp_mode = match body.get("bgp_mode") {
            None | Some(Value::Null) => None,
            Some(Value::String(mode)) if BGP_MODES.contains(&mode.as_str()) => Some(mode.clone()),
            Some(_) => {
                return Err(invalid(format!(
                    "bgp_mode: must be one of {}",
                    BGP_MODES.join(", ")
                )))
            }
        };
        let bgp = bgp(body)?;
        let grown = match self.config.cni_quirks.contains(&CniQuirk::GrownMembers) {
            true => grown_in(body),
            false => Vec::new(),
        };
        let (p2p_ip, cust_ip) = (p2p_ip.to_owned(), cust_ip.to_owned());
        let record = self
            .cnis
            .get_mut(&seq)
            .ok_or_else(|| ApiFailure::not_found("CNI not found"))?;
        record.magic = magic;
        record.p2p_ip = p2p_ip;
        record.cust_ip = cust_ip;
        record.bgp = bgp;
        record.bgp_mode = bgp_mode;
        record.grown = grown;
        Ok(record.answer(&self.config.cni_quirks))
    }

    /// `DELETE /cni/cnis/{cni}`.
    pub fn delete_cni(&mut self, account: &str, id: &str) -> Outcome<()> {
        let seq = self.find_cni(account, id)?;
        self.cnis.remove(&seq);
        Ok(())
    }

    /// The CNIs an interconnect hosts: the API refuses to delete it while there are any.
    pub(super) fn cnis_on(&self, account: &str, interconnect: &str) -> Vec<String> {
        self.cnis
            .values()
            .filter(|c| c.account == account && c.interconnect == interconnect)
            .map(|c| c.id.clone())
            .collect()
    }

    /// Every CNI of every account, as the API renders them.
    pub fn dump_cnis(&self) -> Value {
        Value::Array(self.cnis.values().map(CniRecord::render).collect())
    }

    /// `GET /cni/settings`.
    pub fn settings(&self, account: &str) -> Value {
        json!({"default_asn": self.default_asn(account)})
    }

    /// `PUT /cni/settings`: `default_asn` (absent or null: unchanged).
    pub fn update_settings(&mut self, account: &str, body: &Value) -> Outcome<Value> {
        let body = object(body)?;
        match body.get("default_asn") {
            None | Some(Value::Null) => {}
            Some(value) => {
                let asn = whole_number(value, "default_asn", MAX_ASN)?;
                self.default_asns.insert(account.to_owned(), asn);
            }
        }
        Ok(self.settings(account))
    }

    fn default_asn(&self, account: &str) -> u64 {
        self.default_asns
            .get(account)
            .copied()
            .unwrap_or(self.config.default_asn)
    }

    fn find_cni(&self, account: &str, id: &str) -> Outcome<u64> {
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(invalid("cni: must be a UUID"));
        }
        self.cnis
            .iter()
            .find(|(_, c)| c.account == account && c.id.eq_ignore_ascii_case(id))
            .map(|(seq, _)| *seq)
            .ok_or_else(|| ApiFailure::not_found("CNI not found"))
    }

    fn check_conduit_name_free(&self, account: &str, name: &str, except: Option<u64>) -> Outcome<()> {
        let taken = self
            .cnis
            .iter()
            .any(|(seq, c)| Some(*seq) != except && c.account == account && c.magic.conduit_name == name);
        match taken {
            true => Err(ApiFailure::new(
                axum::http::StatusCode::CONFLICT,
                code::NAME_CONFLICT,
                "Name Conflict",
            )),
            false => Ok(()),
        }
    }

    /// The next `/31` pair: Cloudflare's end, then the customer's.
    fn next_pair(&mut self) -> (String, String) {
        let base = u32::from(FIRST_PAIR) + 2 * self.pairs_given;
        self.pairs_given += 1;
        (
            format!("{}/31", Ipv4Addr::from(base)),
            format!("{}/31", Ipv4Addr::from(base + 1)),
        )
    }

    fn slot_of(&self, account: &str, interconnect: &str) -> Option<&str> {
        let seq = self.find(account, interconnect).ok()?;
        match &self.interconnects.get(&seq)?.kind {
            Kind::Direct { slot, .. } => Some(self.slots[*slot].id.as_str()),
            Kind::GcpPartner { .. } => None,
        }
    }
}
