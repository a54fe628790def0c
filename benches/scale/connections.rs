//! The economy of connections: an `apply` that creates [`COUNT`] connections (on one attachment made
//! by the same command), a refresh of them all, an update of them all in place, and their destroy,
//! each counted by endpoint; it fails when a connection's share grows (a create is one `POST`, an
//! update one `PUT`, a refresh shares the listing: at most 0.05 requests per connection at 200).

use super::economy::spend_on;
use super::*;

/// [`COUNT`] connections (conduit `edge-<n>`, description `description`) on one attachment.
fn connections_config(base_url: &str, count: usize, description: &str) -> String {
    connections_config_budget(base_url, count, description, "requests_per_second = 10000")
}

/// [`connections_config`] with `budget` as the provider's budget line (empty: the default).
pub(super) fn connections_config_budget(
    base_url: &str,
    count: usize,
    description: &str,
    budget: &str,
) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    cni = {{ source = \"cnilabs/cni\" }}\n  }}\n}}\n\n\
         provider \"cni\" {{\n  api_token = \"{TOKEN}\"\n  base_url = \"{base_url}\"\n  account_id = \"{ACCOUNT}\"\n  \
         poll_interval = \"100ms\"\n  {budget}\n}}\n\n\
         resource \"cni_interconnect\" \"cloud\" {{\n  type = \"gcp_partner\"\n  bandwidth = \"10G\"\n  \
         pairing_key = \"7e51371e-72a3-40b5-b844-000000000001/europe-west3/2\"\n}}\n\n\
         resource \"cni_connection\" \"this\" {{\n  count = {count}\n  interconnect = cni_interconnect.cloud.name\n  \
         magic = {{\n    conduit_name = \"edge-${{count.index}}\"\n    description = \"{description}\"\n    mtu = 1500\n  }}\n  \
         bgp = {{\n    customer_asn = 65001\n    extra_prefixes = []\n  }}\n}}\n"
    )
}

/// Requests of the connections' endpoints (`/cni/cnis`) in a command's share.
fn of_connections(share: &[(String, usize)], method: &str) -> usize {
    share
        .iter()
        .filter(|(endpoint, _)| endpoint.starts_with(&format!("{method} ")) && endpoint.contains("/cni/cnis"))
        .map(|(_, n)| n)
        .sum()
}

impl Bench {
    /// Apply, refresh, update in place and destroy [`COUNT`] connections; reports and checks each
    /// command's requests.
    pub(super) fn connection_economy(&self) {
        let count = self.settings.count;
        let mock = self.runtime.block_on(start_mock(HealthyAfter::Polls(0)));
        let url = mock.base_url();
        let ws = Workspace::new(
            &self.settings,
            &self.terraform,
            &connections_config(&url, count, "first"),
        );
        let mut rows = String::new();
        let mut row = |label: &str, ws: &Workspace, args: &[&str]| {
            let (share, endpoints, elapsed) = spend_on(&mock, ws, args);
            let on_connections: usize = share
                .iter()
                .filter(|(e, _)| e.contains("/cni/cnis"))
                .map(|(_, n)| n)
                .sum();
            rows.push_str(&format!(
                "| {label} | {on_connections} | {:.3} | {} | {endpoints} |\n",
                on_connections as f64 / count as f64,
                seconds(elapsed)
            ));
            share
        };
        let create = row(&format!("`apply` creating {count}"), &ws, COMMANDS[0].1);
        let refresh = row(&format!("`plan -refresh-only` of {count}"), &ws, COMMANDS[1].1);
        std::fs::write(
            ws.dir.path().join("main.tf"),
            connections_config(&url, count, "second"),
        )
        .expect("write main.tf");
        let update = row(&format!("`apply` changing {count} in place"), &ws, COMMANDS[0].1);
        let destroy = row(&format!("`destroy` of {count}"), &ws, COMMANDS[2].1);
        let body = format!(
            "## Connections\n\n\
             Written by `make bench` (`benches/scale/connections.rs`): {count} `cni_connection`s on one \
             attachment made by the same `apply` (so no baseline listing is needed), `-parallelism=10`, the \
             mock's pages of 100. Requests to the connections' endpoints (`/cni/cnis`), per connection, and \
             every request of the command by endpoint.\n\n\
             | command | requests to `/cni/cnis` | per connection | wall time | every request, by endpoint |\n\
             |---|---|---|---|---|\n{rows}\n{}",
            report::measured_on()
        );
        self.settings.report("connections", &body);
        check_connection_economy(count, &create, &refresh, &update, &destroy);
        self.runtime.block_on(mock.stop());
    }
}

/// Fails when a command spends more than its share on connections: a create is one `POST`, an update
/// one `PUT`, a refresh the pages of one shared listing plus the few `GET`s sent before sharing pays
/// (at most 0.05 per connection from 200 on), a destroy its refresh and a `DELETE` each.
fn check_connection_economy(
    count: usize,
    create: &[(String, usize)],
    refresh: &[(String, usize)],
    update: &[(String, usize)],
    destroy: &[(String, usize)],
) {
    let shared_refresh = |spent: usize| {
        spent <= count.div_ceil(100) + 3 && (count < 200 || spent as f64 / count as f64 <= 0.05)
    };
    assert_eq!(of_connections(create, "POST"), count, "one POST per connection");
    assert_eq!(
        of_connections(create, "PUT") + of_connections(create, "GET"),
        0,
        "and nothing else"
    );
    let refreshed = of_connections(refresh, "GET");
    assert!(
        shared_refresh(refreshed),
        "refresh of {count} sent {refreshed} requests"
    );
    assert_eq!(of_connections(update, "PUT"), count, "one PUT per connection");
    assert_eq!(
        of_connections(update, "POST") + of_connections(update, "DELETE"),
        0
    );
    assert!(
        shared_refresh(of_connections(update, "GET")),
        "the update's refresh shares a listing"
    );
    assert_eq!(of_connections(destroy, "DELETE"), count);
    assert!(shared_refresh(of_connections(destroy, "GET")));
}
