//! The slots a new store holds: a few at each of four sites, the same every time.

use serde_json::json;

use super::SlotRecord;

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
