//! Schema pieces and state types several types share, one concept per file: the `account_id`
//! attribute, the `timeouts` block and durations, Terraform's values, and what every interconnect
//! exposes, and what every connection (CNI object) exposes.

mod account;
mod connection;
mod interconnect;
mod timeouts;
mod values;

pub use account::{
    account_on_change, account_tag_error, an_interconnect_name, check_account_id, effective_account,
    is_account_tag, missing_account, name_error, ACCOUNT_ID,
};
pub use connection::{
    check_address_pair, check_md5_key, connection_attributes, connection_fields, BgpValue, ConnectionItem,
    MagicValue, INTERCONNECT_FILTER, SLOT_FILTER,
};
pub use interconnect::{check_type_filter, facility_type, FacilityValue, InterconnectItem, ITEM_FIELDS};
pub use timeouts::{
    check_duration, connection_timeouts_block, duration_text, parse_duration, timeout_of, timeouts_block,
    ConnectionTimeouts, Timeouts, CONNECTION_TIMEOUTS, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_CREATE_TIMEOUT,
    DEFAULT_DELETE_TIMEOUT, MAX_DURATION, TIMEOUTS, TIMEOUTS_DESCRIPTION,
};
pub use values::{check_uuid, opt, sha256_hex, Number};
