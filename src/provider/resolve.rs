//! The provider configuration's one chain: the block as written (`ProviderConfig`, raw), resolved
//! against the `CLOUDFLARE_*` variables and checked (`Resolved`: ready, or deferred while values are
//! unknown), ready to build a client (`Settings`). Pure, unit-tested.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::api::{self, Auth, Secret};
use crate::context::Deferral;
use crate::diag;
use crate::shared::{check_duration, parse_duration, Number};

/// Default longest pause between two status polls.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// The most retries accepted.
pub const MAX_MAX_RETRIES: i64 = 20;

/// The provider block.
#[derive(Serialize, Deserialize, Default)]
pub struct ProviderConfig {
    /// API token (sensitive).
    #[serde(default)]
    pub api_token: Value<String>,
    /// Legacy global API key (sensitive).
    #[serde(default)]
    pub api_key: Value<String>,
    /// The e-mail that goes with `api_key`.
    #[serde(default)]
    pub email: Value<String>,
    /// The API root.
    #[serde(default)]
    pub base_url: Value<String>,
    /// The default account.
    #[serde(default)]
    pub account_id: Value<String>,
    /// Retries of retryable failures per request.
    #[serde(default)]
    pub max_retries: Value<Number>,
    /// The request budget of the whole process.
    #[serde(default)]
    pub requests_per_second: Value<Number>,
    /// The longest pause between two status polls.
    #[serde(default)]
    pub poll_interval: Value<String>,
    /// The bound on one HTTP request.
    #[serde(default)]
    pub request_timeout: Value<String>,
}

/// What the provider needs to reach the API, resolved from configuration and environment.
#[derive(Clone)]
pub struct Settings {
    /// Credentials.
    pub auth: Auth,
    /// The API root.
    pub base_url: url::Url,
    /// The default account for resources and data sources.
    pub account_id: Option<String>,
    /// Retries per request.
    pub max_retries: usize,
    /// A hard cap on requests per second (also the pace while the API reports no quota); `None`:
    /// the quota the API reports.
    pub requests_per_second: Option<f64>,
    /// The longest pause between status polls.
    pub poll_interval: Duration,
    /// The bound on one HTTP request.
    pub request_timeout: Duration,
}

/// The outcome of resolving the configuration.
pub enum Resolved {
    /// Everything is known.
    Ready(Settings),
    /// Some attribute depends on values not known yet (during plan).
    Deferred(Deferral),
}

const TOKEN_ENV: &str = "CLOUDFLARE_API_TOKEN";
const KEY_ENV: &str = "CLOUDFLARE_API_KEY";
const EMAIL_ENV: &str = "CLOUDFLARE_EMAIL";
const BASE_URL_ENV: &str = "CLOUDFLARE_BASE_URL";
const ACCOUNT_ENV: &str = "CLOUDFLARE_ACCOUNT_ID";

/// A setting from configuration, else from the environment (empty counts as unset).
enum Source {
    Config(String),
    Env(String),
    Unset,
    Unknown,
}

impl Source {
    fn of(config: &Value<String>, env: &dyn Fn(&str) -> Option<String>, var: &str) -> Source {
        match config {
            Value::Value(v) => Source::Config(v.clone()),
            Value::Unknown => Source::Unknown,
            Value::Null => match env(var).filter(|v| !v.is_empty()) {
                Some(v) => Source::Env(v),
                None => Source::Unset,
            },
        }
    }

    fn value(self) -> Option<String> {
        match self {
            Source::Config(v) | Source::Env(v) => Some(v),
            Source::Unset | Source::Unknown => None,
        }
    }
}

/// Why a credential cannot go in a header, naming where it came from (never its value): a line break
/// or other control character, or whitespace around it (a trailing newline from a file, say).
fn unusable_in_a_header(source: &Source, attribute: &str, var: &str) -> Option<String> {
    let (value, from) = match source {
        Source::Config(v) => (v, format!("{attribute} in the provider block")),
        Source::Env(v) => (v, format!("the {var} environment variable")),
        Source::Unset | Source::Unknown => return None,
    };
    let bad = value.chars().any(char::is_control) || value.trim() != value;
    bad.then(|| {
        format!(
            "The value of {from} has a line break, a control character or surrounding whitespace (a trailing \
             newline from a file or `echo`?), which cannot be sent in a header. Remove it; the value is not shown."
        )
    })
}

/// Resolves the configuration against the environment. Adds errors (naming the attribute and its
/// environment variable) and returns `None` when it cannot be used.
pub fn resolve(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<Resolved> {
    let unknown: Vec<&str> = [
        ("api_token", config.api_token.is_unknown()),
        ("api_key", config.api_key.is_unknown()),
        ("email", config.email.is_unknown()),
        ("base_url", config.base_url.is_unknown()),
        ("account_id", config.account_id.is_unknown()),
        ("max_retries", config.max_retries.is_unknown()),
        ("requests_per_second", config.requests_per_second.is_unknown()),
        ("poll_interval", config.poll_interval.is_unknown()),
        ("request_timeout", config.request_timeout.is_unknown()),
    ]
    .into_iter()
    .filter_map(|(name, unknown)| unknown.then_some(name))
    .collect();
    if !unknown.is_empty() {
        let account_id = match &config.account_id {
            Value::Unknown => Value::Unknown,
            known => Source::of(known, env, ACCOUNT_ENV).value().into(),
        };
        return Some(Resolved::Deferred(Deferral {
            unknown: unknown.join(", "),
            account_id,
        }));
    }
    let errors_before = diags.errors.len();
    let auth = resolve_auth(config, env, diags);
    let base_url = resolve_base_url(config, env, diags);
    let numbers = resolve_numbers(config, diags);
    if diags.errors.len() > errors_before {
        return None;
    }
    let (auth, base_url, (max_retries, requests_per_second, poll_interval, request_timeout)) =
        (auth?, base_url?, numbers?);
    let account = Source::of(&config.account_id, env, ACCOUNT_ENV);
    if let Source::Env(value) = &account {
        if let Some(detail) = crate::shared::account_tag_error(value, ACCOUNT_ENV) {
            diag::error(diags, "Invalid CLOUDFLARE_ACCOUNT_ID", detail, None);
            return None;
        }
    }
    let account_id = account.value();
    Some(Resolved::Ready(Settings {
        auth,
        base_url,
        account_id,
        max_retries,
        requests_per_second,
        poll_interval,
        request_timeout,
    }))
}

fn resolve_auth(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<Auth> {
    // Each attribute falls back to its own variable (api_key in HCL goes with CLOUDFLARE_EMAIL). A
    // credential written in the provider block silences the other kind's variable, so that a stray
    // variable in the shell cannot make an explicit configuration ambiguous.
    let mut token = Source::of(&config.api_token, env, TOKEN_ENV);
    let mut key = Source::of(&config.api_key, env, KEY_ENV);
    match (&token, &key) {
        (Source::Config(_), Source::Env(_)) => key = Source::Unset,
        (Source::Env(_), Source::Config(_)) => token = Source::Unset,
        _ => {}
    }
    let email = Source::of(&config.email, env, EMAIL_ENV);
    let path_if_config = |source: &Source, name: &'static str| match source {
        Source::Config(_) => diag::attr(name),
        _ => None,
    };
    let fail = |diags: &mut Diagnostics, summary: &str, detail: String, path: Option<AttributePath>| {
        diag::error(diags, summary, detail, path);
        None
    };
    let token_path = path_if_config(&token, "api_token");
    let key_path = path_if_config(&key, "api_key");
    let email_path = path_if_config(&email, "email");
    let mut unusable = false;
    for (source, attribute, var, path) in [
        (&token, "api_token", TOKEN_ENV, &token_path),
        (&key, "api_key", KEY_ENV, &key_path),
        (&email, "email", EMAIL_ENV, &email_path),
    ] {
        if let Some(detail) = unusable_in_a_header(source, attribute, var) {
            diag::error(diags, format!("Invalid {attribute}"), detail, path.clone());
            unusable = true;
        }
    }
    if unusable {
        return None;
    }
    match (token.value(), key.value(), email.value()) {
        // An e-mail beside a token is unused, not ambiguous: CLOUDFLARE_EMAIL is often set for other tools.
        (Some(t), None, _) if !t.trim().is_empty() => Some(Auth::Token(Secret::new(t))),
        (Some(_), None, _) => fail(diags, "Empty API token", "api_token must not be empty.".into(), token_path),
        (Some(_), Some(_), _) => fail(
            diags,
            "Ambiguous credentials",
            format!(
                "Both an API token (api_token / {TOKEN_ENV}) and a global API key (api_key / {KEY_ENV}) are \
                 set. Use exactly one of them."
            ),
            token_path.or(key_path),
        ),
        (None, Some(k), Some(e)) if !k.trim().is_empty() && !e.trim().is_empty() => Some(Auth::KeyEmail {
            key: Secret::new(k),
            email: e,
        }),
        (None, Some(_), Some(_)) => fail(
            diags,
            "Empty credentials",
            "api_key and email must not be empty.".into(),
            key_path.or(email_path),
        ),
        (None, Some(_), None) => fail(
            diags,
            "Incomplete credentials",
            format!("A global API key (api_key / {KEY_ENV}) needs the account's e-mail: set email or {EMAIL_ENV}."),
            key_path.and(diag::attr("email")),
        ),
        (None, None, Some(_)) => fail(
            diags,
            "Incomplete credentials",
            format!("email (or {EMAIL_ENV}) is set but api_key (or {KEY_ENV}) is not; or use api_token instead."),
            email_path.and(diag::attr("api_key")),
        ),
        (None, None, None) => fail(
            diags,
            "Missing credentials",
            format!(
                "Set api_token in the provider block or the {TOKEN_ENV} environment variable; or api_key \
                 and email ({KEY_ENV} and {EMAIL_ENV})."
            ),
            None,
        ),
    }
}

fn resolve_base_url(
    config: &ProviderConfig,
    env: &dyn Fn(&str) -> Option<String>,
    diags: &mut Diagnostics,
) -> Option<url::Url> {
    let (text, from_config) = match Source::of(&config.base_url, env, BASE_URL_ENV) {
        Source::Config(v) => (v, true),
        Source::Env(v) => (v, false),
        Source::Unset | Source::Unknown => (api::DEFAULT_BASE_URL.to_owned(), false),
    };
    match api::check_base_url(&text) {
        Ok(url) => Some(url),
        Err(e) => {
            let detail = if from_config {
                e.to_string()
            } else {
                format!("{BASE_URL_ENV}: {e}")
            };
            diag::error(diags, "Invalid base_url", detail, diag::attr("base_url"));
            None
        }
    }
}

fn resolve_numbers(
    config: &ProviderConfig,
    diags: &mut Diagnostics,
) -> Option<(usize, Option<f64>, Duration, Duration)> {
    let errors_before = diags.errors.len();
    check_numbers(config, diags);
    if diags.errors.len() > errors_before {
        return None;
    }
    let duration = |v: &Value<String>, default: Duration| {
        v.as_ref_option()
            .and_then(|t| parse_duration(t).ok())
            .unwrap_or(default)
    };
    Some((
        config
            .max_retries
            .as_ref_option()
            .map_or(api::DEFAULT_MAX_RETRIES, |n| n.0 as usize),
        config.requests_per_second.as_ref_option().map(|n| n.0),
        duration(&config.poll_interval, DEFAULT_POLL_INTERVAL),
        duration(&config.request_timeout, api::DEFAULT_REQUEST_TIMEOUT),
    ))
}

/// Checks the values that are known, with the attribute's path.
pub(super) fn check_numbers(config: &ProviderConfig, diags: &mut Diagnostics) {
    if let Value::Value(Number(n)) = config.max_retries {
        if !(0.0..=MAX_MAX_RETRIES as f64).contains(&n) || n.fract() != 0.0 {
            diag::error(
                diags,
                "Invalid max_retries",
                format!("max_retries must be a whole number between 0 and {MAX_MAX_RETRIES}, got {n}."),
                diag::attr("max_retries"),
            );
        }
    }
    if let Value::Value(Number(rps)) = config.requests_per_second {
        if let Err(e) = api::RequestBudget::check_rate(rps) {
            diag::error(
                diags,
                "Invalid requests_per_second",
                format!("{e}."),
                diag::attr("requests_per_second"),
            );
        }
    }
    check_duration(
        diags,
        &config.poll_interval,
        tf_provider::AttributePath::new("poll_interval"),
    );
    check_duration(
        diags,
        &config.request_timeout,
        tf_provider::AttributePath::new("request_timeout"),
    );
}

pub(super) fn system_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| vars.get(k).cloned()
    }

    fn resolve_with(config: &ProviderConfig, env: &[(&str, &str)]) -> (Option<Resolved>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let resolved = resolve(config, &env_of(env), &mut diags);
        (resolved, diags)
    }

    fn ready(config: &ProviderConfig, env: &[(&str, &str)]) -> Settings {
        match resolve_with(config, env) {
            (Some(Resolved::Ready(s)), d) if d.errors.is_empty() => s,
            (_, d) => panic!("not ready: {:?}", d.errors),
        }
    }

    fn error_summaries(config: &ProviderConfig, env: &[(&str, &str)]) -> Vec<String> {
        let (resolved, diags) = resolve_with(config, env);
        assert!(resolved.is_none());
        diags.errors.iter().map(|e| e.summary.to_string()).collect()
    }

    #[test]
    fn environment_fills_in_and_defaults_apply() {
        let s = ready(
            &ProviderConfig::default(),
            &[
                (TOKEN_ENV, "t"),
                (ACCOUNT_ENV, "023e105f4ecef8ad9ca31a8372d0c353"),
            ],
        );
        assert!(matches!(s.auth, Auth::Token(ref t) if t.expose() == "t"));
        assert_eq!(s.base_url.as_str(), "https://api.cloudflare.com/client/v4");
        assert_eq!(s.account_id.as_deref(), Some("023e105f4ecef8ad9ca31a8372d0c353"));
        assert_eq!((s.max_retries, s.requests_per_second), (4, None));
        assert_eq!(
            (s.poll_interval, s.request_timeout),
            (Duration::from_secs(10), Duration::from_secs(30))
        );
    }

    #[test]
    fn explicit_configuration_wins_over_the_environment() {
        let config = ProviderConfig {
            api_token: Value::Value("from-config".into()),
            base_url: Value::Value("http://127.0.0.1:9/client/v4".into()),
            account_id: Value::Value("cfg".into()),
            ..Default::default()
        };
        let env = [
            (TOKEN_ENV, "env"),
            (KEY_ENV, "k"),
            (EMAIL_ENV, "e"),
            (BASE_URL_ENV, "https://x"),
            (ACCOUNT_ENV, "env"),
        ];
        let s = ready(&config, &env);
        assert!(matches!(s.auth, Auth::Token(ref t) if t.expose() == "from-config"));
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:9/client/v4");
        assert_eq!(s.account_id.as_deref(), Some("cfg"));
    }

    #[test]
    fn a_bad_account_or_a_token_with_a_newline_from_the_environment_names_its_variable() {
        let env = [(TOKEN_ENV, "t0ken"), (ACCOUNT_ENV, "..")];
        let (_, diags) = resolve_with(&ProviderConfig::default(), &env);
        let text = format!("{:?}", diags.errors);
        assert!(
            text.contains("CLOUDFLARE_ACCOUNT_ID is \\\"..\\\", which is not an account ID"),
            "{text}"
        );
        let env = [(TOKEN_ENV, "s3cret-t0ken\n")];
        let (resolved, diags) = resolve_with(&ProviderConfig::default(), &env);
        assert!(resolved.is_none());
        let text = format!("{:?}", diags.errors);
        assert!(
            text.contains("the CLOUDFLARE_API_TOKEN environment variable has a line break"),
            "{text}"
        );
        assert!(!text.contains("s3cret"), "the token is never shown: {text}");
    }

    #[test]
    fn each_attribute_falls_back_to_its_own_variable() {
        let key_in_hcl = ProviderConfig {
            api_key: Value::Value("k".into()),
            ..Default::default()
        };
        let s = ready(
            &key_in_hcl,
            &[(EMAIL_ENV, "ops@example.com"), (TOKEN_ENV, "stray")],
        );
        assert!(
            matches!(s.auth, Auth::KeyEmail { ref email, ref key } if email == "ops@example.com" && key.expose() == "k")
        );
        let s = ready(
            &ProviderConfig::default(),
            &[(TOKEN_ENV, "t"), (EMAIL_ENV, "ops@example.com")],
        );
        assert!(
            matches!(s.auth, Auth::Token(ref t) if t.expose() == "t"),
            "a stray e-mail is not ambiguous"
        );
        let token_in_hcl = ProviderConfig {
            api_token: Value::Value("t".into()),
            ..Default::default()
        };
        let s = ready(&token_in_hcl, &[(KEY_ENV, "k"), (EMAIL_ENV, "e")]);
        assert!(matches!(s.auth, Auth::Token(_)), "explicit configuration wins");
    }

    #[test]
    fn key_and_email_authenticate_together() {
        let s = ready(
            &ProviderConfig::default(),
            &[(KEY_ENV, "k"), (EMAIL_ENV, "ops@example.com")],
        );
        assert!(matches!(s.auth, Auth::KeyEmail { ref email, .. } if email == "ops@example.com"));
    }

    #[test]
    fn missing_ambiguous_and_incomplete_credentials_are_named() {
        assert_eq!(
            error_summaries(&ProviderConfig::default(), &[]),
            vec!["Missing credentials"]
        );
        assert_eq!(
            error_summaries(
                &ProviderConfig::default(),
                &[(TOKEN_ENV, "t"), (KEY_ENV, "k"), (EMAIL_ENV, "e")]
            ),
            vec!["Ambiguous credentials"]
        );
        assert_eq!(
            error_summaries(&ProviderConfig::default(), &[(KEY_ENV, "k")]),
            vec!["Incomplete credentials"]
        );
        let both = ProviderConfig {
            api_token: Value::Value("t".into()),
            api_key: Value::Value("k".into()),
            email: Value::Value("e".into()),
            ..Default::default()
        };
        let (_, diags) = resolve_with(&both, &[]);
        assert_eq!(
            diags.errors[0].attribute,
            tf_provider::AttributePath::new("api_token")
        );
        let (_, diags) = resolve_with(&ProviderConfig::default(), &[]);
        assert!(diags.errors[0].detail.contains(TOKEN_ENV));
    }

    #[test]
    fn plain_http_is_refused_for_remote_hosts() {
        let config = ProviderConfig {
            base_url: Value::Value("http://api.cloudflare.com/client/v4".into()),
            ..Default::default()
        };
        assert_eq!(
            error_summaries(&config, &[(TOKEN_ENV, "t")]),
            vec!["Invalid base_url"]
        );
        assert_eq!(
            error_summaries(
                &ProviderConfig::default(),
                &[(TOKEN_ENV, "t"), (BASE_URL_ENV, "http://10.1.1.1/x")]
            ),
            vec!["Invalid base_url"]
        );
    }

    #[test]
    fn numbers_and_durations_are_checked() {
        let config = ProviderConfig {
            max_retries: Value::Value(Number(-1.0)),
            requests_per_second: Value::Value(Number(1e-30)),
            poll_interval: Value::Value("soon".into()),
            request_timeout: Value::Value("0s".into()),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        check_numbers(&config, &mut diags);
        let paths: Vec<String> = diags.errors.iter().map(|e| e.attribute.to_string()).collect();
        assert_eq!(paths.len(), 4, "{paths:?}");
    }

    #[test]
    fn unknown_values_defer_instead_of_failing() {
        let config = ProviderConfig {
            api_token: Value::Unknown,
            account_id: Value::Unknown,
            ..Default::default()
        };
        match resolve_with(&config, &[]) {
            (Some(Resolved::Deferred(deferral)), diags) => {
                assert_eq!(deferral.unknown, "api_token, account_id");
                assert!(deferral.account_id.is_unknown());
                assert!(diags.errors.is_empty());
            }
            _ => panic!("not deferred"),
        }
    }
}
