//! `cni_settings`: the account's CNI settings, a singleton that always exists. Create adopts it (one
//! read, and one `PUT` only when the value differs); an update is one `PUT`; an apply with nothing to
//! change sends nothing; destroy puts back the value the account had before this resource first managed
//! it (kept in private state; after an import, the value at import time).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};

use crate::attributes::{self, Attr, AttrType, Compare, Replaces, Role};
use crate::context::ProviderContext;
use crate::diag;
use crate::plugin::handlers::Identity;
use crate::plugin::typed::{ConfigGenerator, Declares};
use crate::shared::{
    account_on_change, check_account_id, effective_account, missing_account, Number, ACCOUNT_ID,
};

/// The largest ASN (a 32-bit number).
const MAX_ASN: f64 = u32::MAX as f64;

/// The attributes of `cni_settings`.
pub const ATTRIBUTES: [Attr; 4] = [
    Attr::new(
        "id",
        AttrType::String,
        Role::Computed,
        "The account (the settings are the account's).",
    ),
    Attr {
        identity: Some(true),
        ..ACCOUNT_ID.replacing(Replaces::Always(Compare::Exact))
    },
    Attr::new(
        "default_asn",
        AttrType::Number,
        Role::Required,
        "The account's default ASN, a whole number from 0 to 4294967295. Changes in place (one `PUT`).",
    )
    .checked(an_asn),
    Attr::new(
        "restore_asn",
        AttrType::Number,
        Role::Computed,
        "The `default_asn` the account had before this resource first managed it (after an import, the \
         value at import time): what destroy puts back. Kept even when a change fails.",
    ),
];

/// The state (and configuration, and plan) of `cni_settings`.
#[derive(Serialize, Deserialize, Clone, Default, Debug, PartialEq)]
pub struct SettingsState {
    /// The account.
    pub id: Value<String>,
    /// The account.
    pub account_id: Value<String>,
    /// The default ASN.
    pub default_asn: Value<Number>,
    /// What destroy puts back (also in private state, which a tainted object's replacement does not
    /// pass to its destroy).
    #[serde(default)]
    pub restore_asn: Value<Number>,
}

/// What destroy puts back: the account's `default_asn` before this resource first managed it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SettingsPrivate {
    /// The value to restore.
    pub restore_asn: u32,
}

/// A whole number from 0 to 4294967295, as Terraform sends it.
fn an_asn(text: &str) -> Result<(), String> {
    match text.parse::<f64>() {
        Ok(n) if n.fract() == 0.0 && (0.0..=MAX_ASN).contains(&n) => Ok(()),
        _ => Err(format!(
            "default_asn must be a whole number from 0 to 4294967295, not {text}."
        )),
    }
}

/// The ASN of a known, checked value.
fn asn_of(value: &Value<Number>) -> Option<u32> {
    value
        .as_ref_option()
        .filter(|n| n.0.fract() == 0.0 && (0.0..=MAX_ASN).contains(&n.0))
        .map(|n| n.0 as u32)
}

/// The schema, from the table.
pub fn schema() -> Schema {
    Schema {
        version: 0,
        block: attributes::block(
            "The account's CNI settings: a singleton that always exists. Create adopts it; destroy puts back \
             the value from before it was first managed.",
            &ATTRIBUTES,
            vec![],
        ),
    }
}

/// The identity: the account, as the import ID.
pub fn identity() -> Identity {
    Identity {
        version: 0,
        attributes: attributes::identity_attributes(&ATTRIBUTES),
        import_id: |values| {
            values
                .get("account_id")
                .cloned()
                .flatten()
                .ok_or_else(|| "the identity has no account_id".to_owned())
        },
    }
}

/// The resource.
pub struct SettingsResource {
    provider: Arc<ProviderContext>,
}

impl SettingsResource {
    /// The resource, served by `provider`.
    pub fn new(provider: Arc<ProviderContext>) -> Self {
        SettingsResource { provider }
    }

    /// The account of `state`, and a client for it.
    fn client_for(
        &self,
        diags: &mut Diagnostics,
        state: &SettingsState,
    ) -> Option<(crate::api::Client, String)> {
        let (configured, account) =
            self.provider
                .configured_for(&state.account_id, "on the resource", diags)?;
        Some((configured.client, account))
    }

    /// The account's `default_asn` now (`GET /cni/settings`), or an error diagnostic.
    async fn current(diags: &mut Diagnostics, client: &crate::api::Client, account: &str) -> Option<u32> {
        match client.settings(account).await {
            Ok(settings) => Some(settings.default_asn),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!("Could not read the CNI settings of account {account}"),
                    &e,
                );
                None
            }
        }
    }

    /// `PUT /cni/settings` with `asn`: the value the account has after it.
    async fn put(&self, diags: &mut Diagnostics, state: &SettingsState, asn: u32) -> Option<u32> {
        let (client, account) = self.client_for(diags, state)?;
        match client.update_settings(&account, asn).await {
            Ok(settings) => Some(settings.default_asn),
            Err(e) => {
                diag::api_error(
                    diags,
                    format!("Could not set the CNI settings of account {account}"),
                    &e,
                );
                None
            }
        }
    }
}

/// The state of the settings of `account` at `asn`, with the value destroy puts back.
fn settled(
    account: &str,
    asn: u32,
    restore: Option<SettingsPrivate>,
) -> (SettingsState, Option<SettingsPrivate>) {
    let state = SettingsState {
        id: Value::Value(account.to_owned()),
        account_id: Value::Value(account.to_owned()),
        default_asn: Value::Value(Number(f64::from(asn))),
        restore_asn: restore.map(|r| Number(f64::from(r.restore_asn))).into(),
    };
    (state, restore)
}

/// The value destroy puts back: from private state, else from the state.
fn restore_of(state: &SettingsState, private: Option<SettingsPrivate>) -> Option<SettingsPrivate> {
    private.or_else(|| asn_of(&state.restore_asn).map(|restore_asn| SettingsPrivate { restore_asn }))
}

#[async_trait]
impl Resource for SettingsResource {
    type State<'a> = SettingsState;
    type PrivateState<'a> = Option<SettingsPrivate>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        attributes::reject_computed(diags, &ATTRIBUTES, &config);
        check_account_id(diags, &config.account_id);
        attributes::check_values(diags, &ATTRIBUTES, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (client, account) = self.client_for(diags, &state)?;
        match Self::current(diags, &client, &account).await {
            Some(asn) => {
                let restore = restore_of(&state, private).unwrap_or(SettingsPrivate { restore_asn: asn });
                Some(settled(&account, asn, Some(restore)))
            }
            None => Some((state, private)),
        }
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        mut proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        proposed.account_id = effective_account(&proposed.account_id, &self.provider.default_account());
        if proposed.account_id.is_null() {
            missing_account(diags, "on the resource");
        }
        proposed.id = proposed.account_id.clone();
        proposed.restore_asn = Value::Unknown;
        Some((proposed, None))
    }

    async fn plan_update<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State<'a>,
        mut proposed: Self::State<'a>,
        config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        proposed.account_id = account_on_change(
            &config.account_id,
            &prior.account_id,
            &self.provider.default_account(),
        );
        let replace = attributes::replacements(&ATTRIBUTES, &prior, &proposed, &config);
        (proposed.id, proposed.restore_asn) = match replace.is_empty() {
            true => (prior.id.clone(), prior.restore_asn),
            false => (proposed.account_id.clone(), Value::Unknown),
        };
        Some((proposed, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let wanted = asn_of(&planned.default_asn)?;
        let (client, account) = self.client_for(diags, &planned)?;
        let before = Self::current(diags, &client, &account).await?;
        let restore = Some(SettingsPrivate { restore_asn: before });
        if before == wanted {
            return Some(settled(&account, before, restore));
        }
        // A PUT that fails (or is interrupted) may still have changed the account: the state keeps the
        // value read before it and, above all, the value destroy puts back (Terraform taints it).
        let now = self.put(diags, &planned, wanted).await.unwrap_or(before);
        Some(settled(&account, now, restore))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State<'a>,
        planned: Self::State<'a>,
        _config: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let wanted = asn_of(&planned.default_asn)?;
        if asn_of(&prior.default_asn) == Some(wanted) {
            return Some((planned, private));
        }
        // A failed PUT keeps the prior state, and with it the value destroy puts back.
        let restore = restore_of(&prior, private);
        let Some((_, account)) = self.client_for(diags, &prior) else {
            return Some((prior, restore));
        };
        match self.put(diags, &planned, wanted).await {
            Some(now) => Some(settled(&account, now, restore)),
            None => Some((prior, restore)),
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        let Some(restore) = restore_of(&state, private) else {
            diag::warning(
                diags,
                "CNI settings left as they are",
                "No value from before this resource managed the settings is known, so default_asn keeps its current value.",
                None,
            );
            return Some(());
        };
        if asn_of(&state.default_asn) == Some(restore.restore_asn) {
            return Some(());
        }
        self.put(diags, &state, restore.restore_asn).await.map(|_| ())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let account = match id.trim() {
            "" => self.provider.default_account().as_option(),
            account if crate::shared::is_account_tag(account) => Some(account.to_owned()),
            _ => None,
        };
        let Some(account) = account else {
            diag::error(
                diags,
                "Invalid import ID",
                format!(
                    "invalid import ID {id:?}: expected \"<account_id>\", the 32-character hex tag of the account"
                ),
                None,
            );
            return None;
        };
        let state = SettingsState {
            id: Value::Value(account.clone()),
            account_id: Value::Value(account),
            default_asn: Value::Null,
            restore_asn: Value::Null,
        };
        Some((state, None))
    }
}

impl Declares for SettingsResource {
    fn write_only(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    fn identity(&self) -> Option<Identity> {
        Some(identity())
    }

    fn config_generator(&self) -> Option<ConfigGenerator> {
        None
    }
}
