//! How the store behaves: the switches of cni-mock's command line and control API.

use std::time::Duration;

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
    /// How many reads (`GET`s, and listings that show it) still see an interconnect after its DELETE
    /// (asynchronous deletion).
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
    /// Every account's `default_asn` until one is set (`/cni/settings`).
    pub default_asn: u64,
    /// Ways the CNI answers differ from what was sent, as an API may (`--cni-quirk`).
    pub cni_quirks: Vec<CniQuirk>,
}

/// A way the API's CNI answers may differ from what a client sent while meaning the same, or grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CniQuirk {
    /// The `account` in upper case.
    UpperCaseAccount,
    /// `bgp.extra_prefixes` in the reverse order.
    ReversedPrefixes,
    /// `bgp.md5_key` left out of every answer.
    OmitMd5,
    /// `bgp.md5_key` answered as `********`.
    MaskMd5,
    /// Members a client may not know yet (as `bgp_mode` once was), at the top, in `magic` and in `bgp`:
    /// new CNIs get them, and a PUT keeps only those it sends.
    GrownMembers,
}

impl std::str::FromStr for CniQuirk {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "upper-case-account" => CniQuirk::UpperCaseAccount,
            "reversed-prefixes" => CniQuirk::ReversedPrefixes,
            "omit-md5" => CniQuirk::OmitMd5,
            "mask-md5" => CniQuirk::MaskMd5,
            "grown-members" => CniQuirk::GrownMembers,
            other => {
                return Err(format!(
                    "{other:?} is none of upper-case-account, reversed-prefixes, omit-md5, mask-md5, grown-members"
                ))
            }
        })
    }
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

/// The `default_asn` of an account that never set one.
pub const DEFAULT_ASN: u64 = 65000;

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
            default_asn: DEFAULT_ASN,
            cni_quirks: Vec::new(),
        }
    }
}
