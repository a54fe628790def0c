//! The request log: the API requests the mock answered after checking their credentials, each with a
//! sequence number that never resets (clearing the log empties it, numbers go on), kept in a ring of
//! at most `--log-limit` entries, read by page (`?since=N`) and written out without a copy. Requests
//! refused for their credentials are counted, not kept.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many entries the log keeps by default; older ones make way.
pub const DEFAULT_LOG_LIMIT: usize = 10_000;

/// The largest request body the log keeps as it came; a larger one is kept as its size.
pub const LOGGED_BODY_LIMIT: usize = 16 * 1024;

/// A request as the mock received it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Its sequence number, from 1; it never resets.
    pub seq: u64,
    /// Milliseconds since the mock started.
    pub at_ms: u64,
    /// The HTTP method.
    pub method: String,
    /// The path below `/client/v4`.
    pub path: String,
    /// The raw query string.
    #[serde(default)]
    pub query: Option<String>,
    /// The body: its JSON, or `{"raw": text}` when it is not JSON, or `{"omitted_bytes": n}` past
    /// [`LOGGED_BODY_LIMIT`]. A pairing key or an MD5 key is never stored in clear: it is replaced by
    /// its fingerprint (see [`super::store::fingerprint`]).
    #[serde(default)]
    pub body: Option<Value>,
    /// The `Accept` header.
    #[serde(default)]
    pub accept: Option<String>,
    /// The `User-Agent` header.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The answer's status; 0 for a dropped connection or a request still in flight.
    pub status: u16,
    /// The injected fault, if one struck.
    #[serde(default)]
    pub fault: Option<String>,
}

/// The log.
#[derive(Debug)]
pub struct RequestLog {
    entries: VecDeque<LoggedRequest>,
    last_seq: u64,
    limit: usize,
    unauthenticated: u64,
}

impl RequestLog {
    /// An empty log that keeps at most `limit` entries (at least one).
    pub fn new(limit: usize) -> Self {
        RequestLog {
            entries: VecDeque::new(),
            last_seq: 0,
            limit: limit.max(1),
            unauthenticated: 0,
        }
    }

    /// The next sequence number, taken (an answer's `cf-ray` comes from it).
    pub fn next_seq(&mut self) -> u64 {
        self.last_seq += 1;
        self.last_seq
    }

    /// Keeps `entry` (its `seq` already taken), the oldest making way past the limit.
    pub fn record(&mut self, entry: LoggedRequest) {
        self.entries.push_back(entry);
        while self.entries.len() > self.limit {
            self.entries.pop_front();
        }
    }

    /// Completes the entry `seq` with its answer's status and the fault that struck; nothing when it
    /// has made way or the log was cleared.
    pub fn complete(&mut self, seq: u64, status: u16, fault: Option<String>) {
        if let Ok(index) = self.entries.binary_search_by_key(&seq, |e| e.seq) {
            let entry = &mut self.entries[index];
            entry.status = status;
            entry.fault = fault;
        }
    }

    /// Counts a request refused for its credentials.
    pub fn count_unauthenticated(&mut self) {
        self.unauthenticated += 1;
    }

    /// How many requests were refused for their credentials.
    pub fn unauthenticated(&self) -> u64 {
        self.unauthenticated
    }

    /// Empties the log; sequence numbers go on.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// How many entries it holds.
    pub fn held(&self) -> usize {
        self.entries.len()
    }

    /// The entries after `since`, as a JSON array, written from the entries themselves.
    pub fn json_since(&self, since: u64) -> Vec<u8> {
        let start = self.entries.partition_point(|e| e.seq <= since);
        let page: Vec<&LoggedRequest> = self.entries.range(start..).collect();
        serde_json::to_vec(&page).unwrap_or_else(|_| b"[]".to_vec())
    }

    /// Every entry, copied (for a mock in the same process).
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.entries.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> LoggedRequest {
        LoggedRequest {
            seq,
            at_ms: 0,
            method: "GET".into(),
            path: "/x".into(),
            query: None,
            body: None,
            accept: None,
            user_agent: None,
            status: 0,
            fault: None,
        }
    }

    #[test]
    fn a_ring_whose_numbers_never_reset_and_whose_late_answers_land_on_their_own_entry() {
        let mut log = RequestLog::new(3);
        for _ in 0..5 {
            let seq = log.next_seq();
            log.record(entry(seq));
        }
        assert_eq!(log.held(), 3, "the oldest made way");
        log.clear();
        let seq = log.next_seq();
        assert_eq!(seq, 6, "numbers go on after a clear");
        log.record(entry(seq));
        log.complete(2, 404, Some("delay".into()));
        log.complete(6, 200, None);
        let page: Vec<LoggedRequest> = serde_json::from_slice(&log.json_since(0)).expect("json");
        assert_eq!(page.len(), 1);
        assert_eq!(
            (page[0].seq, page[0].status, page[0].fault.clone()),
            (6, 200, None)
        );
        assert_eq!(log.json_since(6), b"[]");
    }
}
