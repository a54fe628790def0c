//! The bandwidths a GCP Partner Interconnect attachment can have (`nsc_ApiBandwidth`): the one list of
//! them, for the API's bodies, the resource's validation and docs, and the provider functions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The bandwidth of a GCP partner interconnect (`nsc_ApiBandwidth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Bandwidth {
    /// 50 Mbit/s.
    #[serde(rename = "50M")]
    M50,
    /// 100 Mbit/s.
    #[serde(rename = "100M")]
    M100,
    /// 200 Mbit/s.
    #[serde(rename = "200M")]
    M200,
    /// 300 Mbit/s.
    #[serde(rename = "300M")]
    M300,
    /// 400 Mbit/s.
    #[serde(rename = "400M")]
    M400,
    /// 500 Mbit/s.
    #[serde(rename = "500M")]
    M500,
    /// 1 Gbit/s.
    #[serde(rename = "1G")]
    G1,
    /// 2 Gbit/s.
    #[serde(rename = "2G")]
    G2,
    /// 5 Gbit/s.
    #[serde(rename = "5G")]
    G5,
    /// 10 Gbit/s.
    #[serde(rename = "10G")]
    G10,
    /// 20 Gbit/s.
    #[serde(rename = "20G")]
    G20,
    /// 50 Gbit/s.
    #[serde(rename = "50G")]
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

    /// The value as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Bandwidth::M50 => "50M",
            Bandwidth::M100 => "100M",
            Bandwidth::M200 => "200M",
            Bandwidth::M300 => "300M",
            Bandwidth::M400 => "400M",
            Bandwidth::M500 => "500M",
            Bandwidth::G1 => "1G",
            Bandwidth::G2 => "2G",
            Bandwidth::G5 => "5G",
            Bandwidth::G10 => "10G",
            Bandwidth::G20 => "20G",
            Bandwidth::G50 => "50G",
        }
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
#[error(
    "unknown bandwidth {0:?}: expected one of 50M, 100M, 200M, 300M, 400M, 500M, 1G, 2G, 5G, 10G, 20G, 50G"
)]
pub struct UnknownBandwidth(pub String);

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
    }
}
