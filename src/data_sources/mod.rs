//! Data sources: one file per Terraform type.

pub mod interconnect;
pub mod interconnect_loa;
pub mod interconnects;
pub mod slots;

pub use interconnect::InterconnectDataSource;
pub use interconnect_loa::LoaDataSource;
pub use interconnects::InterconnectsDataSource;
pub use slots::SlotsDataSource;

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use crate::diag;
use crate::provider::ProviderState;
use crate::tf_types::effective_account;

/// The account a data source reads: its own `account_id`, else the provider's; an error if neither.
pub(crate) fn account_for(
    provider: &ProviderState,
    configured: &Value<String>,
    diags: &mut Diagnostics,
) -> Option<String> {
    match effective_account(configured, &provider.default_account()) {
        Value::Value(account) => Some(account),
        _ => {
            diag::error(
                diags,
                "Missing account_id",
                "Set account_id on the data source, or account_id in the provider block (or CLOUDFLARE_ACCOUNT_ID).",
                diag::attr("account_id"),
            );
            None
        }
    }
}
