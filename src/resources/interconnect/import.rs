//! Import: `terraform import cni_interconnect.x <account_id>/<name>`, or `<name>` with the
//! provider's account; the read that follows fills the rest.

use tf_provider::value::Value;
use tf_provider::Diagnostics;

use super::resource::InterconnectResource;
use super::state::{InterconnectState, Private};
use crate::diag;
use crate::shared::{account_tag_error, name_error, Timeouts};

/// Splits an import ID: `<account_id>/<name>`, or `<name>` when the provider has an account; the
/// account must be an account ID and the name an interconnect's.
pub fn parse_import_id(id: &str, provider_account: Option<&str>) -> Result<(String, String), String> {
    let (account, name) = split_import_id(id, provider_account)?;
    if let Some(e) = account_tag_error(&account, "the import ID's account")
        .or_else(|| name_error(&name, "the import ID's name"))
    {
        return Err(format!("invalid import ID {id:?}: {e}"));
    }
    Ok((account, name))
}

fn split_import_id(id: &str, provider_account: Option<&str>) -> Result<(String, String), String> {
    let expected = "expected \"<account_id>/<name>\", or \"<name>\" when the provider sets account_id";
    let parts: Vec<&str> = id.split('/').collect();
    match parts.as_slice() {
        [account, name] if !account.trim().is_empty() && !name.trim().is_empty() => {
            Ok((account.trim().to_owned(), name.trim().to_owned()))
        }
        [name] if !name.trim().is_empty() => match provider_account {
            Some(account) => Ok((account.to_owned(), name.trim().to_owned())),
            None => Err(format!(
                "import ID {id:?} has no account and the provider sets no account_id: {expected}"
            )),
        },
        _ => Err(format!("invalid import ID {id:?}: {expected}")),
    }
}

impl InterconnectResource {
    /// The state an import starts from: the account and name.
    pub(super) fn import_by_id(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(InterconnectState, Option<Private>)> {
        let provider_account = self.provider.default_account().as_option();
        match parse_import_id(&id, provider_account.as_deref()) {
            Ok((account, name)) => {
                let state = InterconnectState {
                    id: Value::Value(name.clone()),
                    name: Value::Value(name),
                    account_id: Value::Value(account),
                    timeouts: Value::Value(Timeouts::default()),
                    ..Default::default()
                };
                Some((state, None))
            }
            Err(e) => {
                diag::error(diags, "Invalid import ID", e, None);
                None
            }
        }
    }
}
