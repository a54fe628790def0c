//! What a create ends with: the interconnect in hand, or why there is none.

use crate::api::error::ApiError;
use crate::api::models::Interconnect;

/// An interconnect this call created, and the lost answer it was recovered from, if any.
#[derive(Debug)]
pub struct Created {
    /// The interconnect.
    pub interconnect: Interconnect,
    /// The error of a create whose outcome was unknown, when the interconnect was found afterwards.
    pub recovered_from: Option<ApiError>,
}

/// Why no interconnect is in hand.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// The API refused the create, or it certainly did not happen: nothing was created.
    #[error("{0}")]
    NotCreated(ApiError),
    /// The slot is taken (or does not exist); nothing was sent.
    #[error("slot {slot} is not available: {reason}")]
    SlotUnavailable {
        /// The slot.
        slot: String,
        /// Why.
        reason: String,
    },
    /// The create's outcome is unknown and the lookup could not settle it.
    #[error("{cause}; looking for the interconnect it may have created failed too: {lookup}")]
    Unresolved {
        /// The create's error.
        cause: ApiError,
        /// The lookup's error.
        lookup: ApiError,
    },
    /// The create's outcome stayed unknown through every attempt, and no interconnect it may have made
    /// was found.
    #[error("{cause}; the create's outcome stayed unknown through every attempt and no interconnect it may have made was found, so it was not sent again")]
    Unconfirmed {
        /// The last attempt's error.
        cause: ApiError,
    },
    /// The API accepted the create (2xx, unreadable answer), or refused a retry because an earlier
    /// attempt had made the interconnect; it did not show in a listing before the create timeout.
    #[error("{cause}; {proof}, so the interconnect exists ({what}), but it did not show in the account's listing before the create timeout")]
    MadeButNotFound {
        /// The error of the attempt that made it.
        cause: ApiError,
        /// What proves it was made.
        proof: String,
        /// What identifies it: its slot, or the region and bandwidth of the attachment.
        what: String,
    },
    /// The create's outcome is unknown and several new interconnects could be the one it made, or one
    /// could be but another create of this process (or anyone, in the time since the baseline) could
    /// have made it.
    #[error("{cause}; {} could be the one it made ({}), so none was adopted{}", if candidates.len() == 1 { "a new interconnect" } else { "several new interconnects match it and each" }, candidates.join(", "), why.iter().map(|w| format!("; {w}")).collect::<String>())]
    Ambiguous {
        /// The create's error.
        cause: ApiError,
        /// The names that match.
        candidates: Vec<String>,
        /// Why they cannot be told apart (and how loosely they matched).
        why: Vec<String>,
    },
    /// Reading the situation before the create failed; nothing was sent.
    #[error("{0}")]
    Precheck(ApiError),
}

impl CreateError {
    /// Whether an interconnect may exist because of this create although none is in hand.
    pub fn may_have_created(&self) -> bool {
        matches!(
            self,
            CreateError::Unresolved { .. }
                | CreateError::Unconfirmed { .. }
                | CreateError::MadeButNotFound { .. }
                | CreateError::Ambiguous { .. }
        )
    }
}
