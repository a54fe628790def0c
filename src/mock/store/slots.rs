//! The slots: their record, the ones a new store holds (a few at each of four sites, the same every
//! time), the filters of `GET /slots`, and their JSON.

use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub(super) struct SlotRecord {
    pub(super) id: String,
    pub(super) site: String,
    pub(super) speed: String,
    pub(super) facility: Value,
    pub(super) ccr_device_name: String,
    pub(super) occupant: Option<(String, String)>,
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

pub(super) fn seeded_slots(per_site: usize) -> Vec<SlotRecord> {
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
    pub(super) fn matches(&self, slot: &SlotRecord) -> bool {
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

pub(super) fn render_slot(slot: &SlotRecord) -> Value {
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
