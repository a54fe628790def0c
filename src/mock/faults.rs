//! Faults written as code rather than raw JSON: `FaultSpec::on("POST", paths::INTERCONNECTS)
//! .after().drop_connection()` is what the control API's `POST /__mock/faults` takes. The path
//! constants name the API's endpoints as the regular expressions faults match.

use std::time::Duration;

use super::control::{FaultAction, FaultSpec, Phase};

/// The API's endpoints as fault paths (regular expressions over the path below `/client/v4`).
pub mod paths {
    /// `…/cni/interconnects` (list and create).
    pub const INTERCONNECTS: &str = "/cni/interconnects$";
    /// `…/cni/interconnects/{name}` (get and delete).
    pub const INTERCONNECT: &str = "/cni/interconnects/icon-[0-9]+$";
    /// `…/cni/interconnects/{name}` and everything below it.
    pub const INTERCONNECT_AND_BELOW: &str = "/cni/interconnects/icon-";
    /// `…/cni/interconnects/{name}/status`.
    pub const STATUS: &str = "/status$";
    /// `…/cni/slots/{id}`.
    pub const SLOT: &str = "/cni/slots/";
    /// `…/cni/cnis` (list and create).
    pub const CNIS: &str = "/cni/cnis$";
    /// `…/cni/cnis/{id}` (get, update and delete).
    pub const CNI: &str = "/cni/cnis/[0-9a-fA-F-]+$";
    /// `…/cni/settings` (get and update).
    pub const SETTINGS: &str = "/cni/settings$";
}

impl FaultSpec {
    /// A fault on the next request with `method` to a path matching `path` (see [`paths`]); it
    /// answers 500 until told otherwise.
    pub fn on(method: &str, path: impl Into<String>) -> FaultSpec {
        FaultSpec {
            method: Some(method.to_owned()),
            path: Some(path.into()),
            body_matches: None,
            count: 1,
            phase: Phase::Before,
            action: FaultAction::Status {
                status: 500,
                retry_after: None,
            },
        }
    }

    /// A fault on the next request with `method`, whatever its path.
    pub fn on_any_path(method: &str) -> FaultSpec {
        FaultSpec {
            path: None,
            ..FaultSpec::on(method, "")
        }
    }

    /// Only requests whose body matches this regular expression.
    pub fn body_matches(self, pattern: impl Into<String>) -> FaultSpec {
        FaultSpec {
            body_matches: Some(pattern.into()),
            ..self
        }
    }

    /// Strikes the next `count` matching requests.
    pub fn times(self, count: u32) -> FaultSpec {
        FaultSpec { count, ..self }
    }

    /// Strikes after the mock has handled the request (its effect is real; the answer is not).
    pub fn after(self) -> FaultSpec {
        FaultSpec {
            phase: Phase::After,
            ..self
        }
    }

    /// Answers this status in the API's error envelope.
    pub fn status(self, status: u16) -> FaultSpec {
        self.action(FaultAction::Status {
            status,
            retry_after: None,
        })
    }

    /// Answers this status with a `Retry-After` of `seconds`.
    pub fn status_retry_after(self, status: u16, seconds: u64) -> FaultSpec {
        self.action(FaultAction::Status {
            status,
            retry_after: Some(seconds),
        })
    }

    /// Waits this long first (before handling, or before answering when [`FaultSpec::after`]).
    pub fn delay(self, delay: Duration) -> FaultSpec {
        self.action(FaultAction::Delay {
            delay_ms: u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        })
    }

    /// Closes the connection without answering.
    pub fn drop_connection(self) -> FaultSpec {
        self.action(FaultAction::Drop)
    }

    /// Answers this raw body with this status, as JSON.
    pub fn body(self, status: u16, body: impl Into<String>) -> FaultSpec {
        self.action(FaultAction::Body {
            status,
            body: body.into(),
            content_type: None,
        })
    }

    /// Answers this raw body with this status and `Content-Type`.
    pub fn body_typed(self, status: u16, body: impl Into<String>, content_type: &str) -> FaultSpec {
        self.action(FaultAction::Body {
            status,
            body: body.into(),
            content_type: Some(content_type.to_owned()),
        })
    }

    /// Answers an HTML error page with this status, as a proxy or a wrong URL path would.
    pub fn html(self, status: u16) -> FaultSpec {
        self.action(FaultAction::Html { status })
    }

    /// Answers the first half of the real body.
    pub fn truncate(self) -> FaultSpec {
        self.action(FaultAction::Truncate)
    }

    fn action(self, action: FaultAction) -> FaultSpec {
        FaultSpec { action, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_writes_what_the_control_api_reads() {
        let built = FaultSpec::on("POST", paths::INTERCONNECTS)
            .after()
            .times(2)
            .status_retry_after(429, 60);
        let json = serde_json::to_value(&built).expect("json");
        assert_eq!(json["method"], "POST");
        assert_eq!(json["path"], "/cni/interconnects$");
        assert_eq!(json["phase"], "after");
        assert_eq!(json["count"], 2);
        assert_eq!(json["kind"], "status");
        assert_eq!(json["status"], 429);
        assert_eq!(json["retry_after"], 60);
        let read: FaultSpec = serde_json::from_value(json).expect("read back");
        assert_eq!(read, built);
        let delay = FaultSpec::on_any_path("GET").delay(Duration::from_millis(600));
        assert_eq!(serde_json::to_value(&delay).expect("json")["delay_ms"], 600);
    }
}
