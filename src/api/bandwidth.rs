//! The bandwidths a GCP Partner Interconnect attachment can have (`nsc_ApiBandwidth`): the one list of
//! them, for the API's bodies, the resource's validation and docs, and the provider functions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The bandwidth of a GCP partner interconnect (`nsc_ApiBandwidth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bandwidth {
    /// 50 Mbit/s.
    M50,
    /// 100 Mbit/s.
    M100,
    /// 200 Mbit/s.
    M200,
    /// 300 Mbit/s.
    M300,
    /// 400 Mbit/s.
    M400,
    /// 500 Mbit/s.
    M500,
    /// 1 Gbit/s.
    G1,
    /// 2 Gbit/s.
    G2,
    /// 5 Gbit/s.
    G5,
    /// 10 Gbit/s.
    G10,
    /// 20 Gbit/s.
    G20,
    /// 50 Gbit/s.
    G50,
}

impl Bandwidth {
    /// Every value, in increasing order.
    pub const ALL: [Bandwidth; 12] = [
        Bandwidth::M50,
        Bandwidth::M100,
        Bandwidth::M200,
        Bandwidth::M300,
        Bandwidth::M400,
        Bandwidth::M500,
        Bandwidth::G1,
        Bandwidth::G2,
        Bandwidth::G5,
        Bandwidth::G10,
        Bandwidth::G20,
        Bandwidth::G50,
    ];

    /// How the API spells each value, in the order of [`Bandwidth::ALL`]: the one place the values are
    /// written, for the API's bodies, the resource's validation and docs, and the provider functions.
    pub const NAMES: [&'static str; 12] = [
        "50M", "100M", "200M", "300M", "400M", "500M", "1G", "2G", "5G", "10G", "20G", "50G",
    ];

    /// The value as the API spells it.
    pub fn as_str(self) -> &'static str {
        Bandwidth::NAMES[self as usize]
    }

    /// The values as a list for people: `50M, 100M, …, 50G`.
    pub fn listed() -> String {
        Bandwidth::NAMES.join(", ")
    }
}

impl Bandwidth {
    /// The bandwidth in Mbit/s (`1G` is 1000).
    pub fn mbps(self) -> u32 {
        let text = self.as_str();
        let (number, unit) = text.split_at(text.len() - 1);
        let number: u32 = number.parse().unwrap_or(0);
        if unit == "G" {
            number * 1000
        } else {
            number
        }
    }
}

impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Bandwidth`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown bandwidth {0:?}: expected one of {listed}", listed = Bandwidth::listed())]
pub struct UnknownBandwidth(pub String);

impl Serialize for Bandwidth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Bandwidth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Bandwidth::ALL
            .into_iter()
            .find(|b| b.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(UnknownBandwidth(text)))
    }
}

impl FromStr for Bandwidth {
    type Err = UnknownBandwidth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Bandwidth::ALL
            .into_iter()
            .find(|b| b.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownBandwidth(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_round_trips_every_value_and_rejects_others() {
        for b in Bandwidth::ALL {
            assert_eq!(b.as_str().parse::<Bandwidth>(), Ok(b));
            assert_eq!(serde_json::to_string(&b).ok(), Some(format!("\"{b}\"")));
        }
        assert_eq!("1g".parse::<Bandwidth>(), Ok(Bandwidth::G1), "speeds ignore case");
        assert!("100G".parse::<Bandwidth>().is_err());
        assert!(
            serde_json::from_str::<Bandwidth>("\"1g\"").is_err(),
            "the API spells it exactly"
        );
        for (i, b) in Bandwidth::ALL.into_iter().enumerate() {
            assert_eq!(b.as_str(), Bandwidth::NAMES[i]);
        }
        assert_eq!(
            UnknownBandwidth("3G".into()).to_string(),
            "unknown bandwidth \"3G\": expected one of 50M, 100M, 200M, 300M, 400M, 500M, 1G, 2G, 5G, 10G, 20G, 50G"
        );
    }
}
