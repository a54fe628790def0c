//! A string that must never reach a log, an error message or a `Debug` dump.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value (API token, API key, pairing key). `Debug` and `Display` print `<redacted>`; only
/// serialization into a request body and [`Secret::expose`] reveal it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the secret in `text` by `<redacted>`, in every form an echo of it
    /// can take: as it is, JSON-escaped (`\/`, `\u002f`), percent-encoded, and — for a GCP pairing key
    /// `<uuid>/<region>/<zone>` — its secret first part alone. Scrub a whole text before cutting it:
    /// a cut can split the secret so that no form of it matches any more.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in self.forms() {
            out = out.replace(&needle, "<redacted>");
        }
        out
    }

    /// The forms of the secret to look for, longest first.
    fn forms(&self) -> Vec<String> {
        let secret = &self.0;
        if secret.is_empty() {
            return Vec::new();
        }
        let mut forms = vec![
            secret.clone(),
            secret.replace('/', "\\/"),
            secret.replace('/', "\\u002f"),
            secret.replace('/', "\\u002F"),
            secret.replace('/', "%2F"),
            secret.replace('/', "%2f"),
        ];
        if let Some((first, _)) = secret.split_once('/') {
            if first.len() >= 8 {
                forms.push(first.to_owned());
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        forms
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
        assert_eq!(s.scrub("token hunter2 leaked"), "token <redacted> leaked");
        assert_eq!(Secret::new("").scrub("unchanged"), "unchanged");
    }

    #[test]
    fn scrubs_every_form_of_a_pairing_key() {
        let key = Secret::new("c0ffee00-72a3-40b5-b844-000000000001/us-central1/1");
        for echo in [
            "key c0ffee00-72a3-40b5-b844-000000000001/us-central1/1 used",
            r"key c0ffee00-72a3-40b5-b844-000000000001\/us-central1\/1 used",
            r"key c0ffee00-72a3-40b5-b844-000000000001\u002fus-central1\u002f1 used",
            "key c0ffee00-72a3-40b5-b844-000000000001%2Fus-central1%2F1 used",
            "key c0ffee00-72a3-40b5-b844-000000000001 used",
        ] {
            let scrubbed = key.scrub(echo);
            assert!(!scrubbed.contains("c0ffee00"), "{scrubbed}");
            assert!(scrubbed.contains("<redacted>"), "{scrubbed}");
        }
    }
}
