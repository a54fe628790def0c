//! What an answer says of the API's quota: the `Ratelimit` and `Ratelimit-Policy` fields of the IETF
//! draft (structured fields: a list of items, each a quoted or bare policy name with parameters in any
//! order), as Cloudflare sends them on every answer: `"default";r=<left>;t=<seconds to reset>` and
//! `"default";q=<quota>;w=<window>`.

use std::time::Duration;

use reqwest::header::HeaderMap;
use sfv::{BareItem, List, ListEntry, Parser};

/// The API's quota as one answer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaReport {
    /// Requests left in the current window.
    pub remaining: u64,
    /// How long until the window resets.
    pub reset: Duration,
    /// Requests per window.
    pub quota: u64,
    /// The window.
    pub window: Duration,
}

/// One policy of a field: its name and its integer parameters.
struct Policy {
    name: String,
    params: Vec<(String, i64)>,
}

impl Policy {
    fn get(&self, key: &str) -> Option<u64> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| u64::try_from(*v).ok())
    }
}

/// The quota `headers` report; `None` when either field is missing or malformed, or no policy of
/// `Ratelimit` has its `Ratelimit-Policy`. With several policies, the one with the fewest requests
/// left.
pub fn quota_report(headers: &HeaderMap) -> Option<QuotaReport> {
    let limits = policies(headers, "ratelimit")?;
    let declared = policies(headers, "ratelimit-policy")?;
    limits
        .iter()
        .filter_map(|limit| {
            let policy = declared.iter().find(|p| p.name == limit.name)?;
            Some(QuotaReport {
                remaining: limit.get("r")?,
                reset: Duration::from_secs(limit.get("t")?),
                quota: policy.get("q").filter(|q| *q > 0)?,
                window: Duration::from_secs(policy.get("w").filter(|w| *w > 0)?),
            })
        })
        .min_by_key(|report| report.remaining)
}

/// The policies of the field `name` (every line of it, joined as one list); `None` when it is absent
/// or not a well-formed list of named items.
fn policies(headers: &HeaderMap, name: &str) -> Option<Vec<Policy>> {
    let lines: Vec<&str> = headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().ok())
        .collect::<Option<_>>()?;
    if lines.is_empty() {
        return None;
    }
    let list: List = Parser::new(&lines.join(", ")).parse_list().ok()?;
    list.into_iter()
        .map(|entry| {
            let ListEntry::Item(item) = entry else {
                return None;
            };
            let name = match &item.bare_item {
                BareItem::String(s) => s.as_str().to_owned(),
                BareItem::Token(t) => t.as_str().to_owned(),
                _ => return None,
            };
            let params = item
                .params
                .iter()
                .filter_map(|(k, v)| Some((k.as_str().to_owned(), i64::from(v.as_integer()?))))
                .collect();
            Some(Policy { name, params })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn reads_the_fields_as_the_draft_writes_them() {
        let report = quota_report(&headers(&[
            ("ratelimit", "\"default\";r=50;t=30"),
            ("ratelimit-policy", "\"default\";q=1200;w=300"),
        ]));
        assert_eq!(
            report,
            Some(QuotaReport {
                remaining: 50,
                reset: Duration::from_secs(30),
                quota: 1200,
                window: Duration::from_secs(300),
            })
        );
        // Parameters in any order, bare names, several policies (the tightest wins), several lines.
        let report = quota_report(&headers(&[
            ("ratelimit", "burst;t=5;r=90"),
            ("ratelimit", "\"default\";t=200;r=40"),
            ("ratelimit-policy", "burst;w=60;q=100, \"default\";w=300;q=1200"),
        ]))
        .expect("a report");
        assert_eq!((report.remaining, report.quota), (40, 1200));
    }

    #[test]
    fn a_missing_or_malformed_field_reports_nothing() {
        for pairs in [
            vec![("ratelimit", "\"default\";r=50;t=30")],
            vec![("ratelimit-policy", "\"default\";q=1200;w=300")],
            vec![
                ("ratelimit", "default;r=50;t=30"),
                ("ratelimit-policy", "other;q=1200;w=300"),
            ],
            vec![
                ("ratelimit", "\"default\";r=fifty;t=30"),
                ("ratelimit-policy", "\"default\";q=1200;w=300"),
            ],
            vec![
                ("ratelimit", "\"default\";r=-1;t=30"),
                ("ratelimit-policy", "\"default\";q=1200;w=300"),
            ],
            vec![
                ("ratelimit", "\"default\";r=5;t=30"),
                ("ratelimit-policy", "\"default\";q=0;w=300"),
            ],
            vec![("ratelimit", "r=50, t=30"), ("ratelimit-policy", "q=1200")],
            vec![
                ("ratelimit", "\"default;r=50"),
                ("ratelimit-policy", "\"default\";q=1;w=1"),
            ],
        ] {
            assert_eq!(quota_report(&headers(&pairs)), None, "{pairs:?}");
        }
    }
}
