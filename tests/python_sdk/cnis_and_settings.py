"""The official Cloudflare Python SDK's `network_interconnects.cnis` and `.settings` calls against
cni-mock, as a user's scripts would make them against the API.

Usage: python3 cnis_and_settings.py BASE_URL TOKEN ACCOUNT PORT_NAME SLOT_ID ATTACHMENT_NAME
(the mock pages by 2; PORT_NAME is a direct port in SLOT_ID, ATTACHMENT_NAME a GCP attachment).
Prints one line per check and "all checks passed"; any failure raises.
"""

import sys

import cloudflare
from cloudflare import Cloudflare


def check(what, condition):
    if not condition:
        raise AssertionError(what)
    print("ok:", what)


def main():
    base_url, token, account, port, slot, attachment = sys.argv[1:7]
    cf = Cloudflare(api_token=token, base_url=base_url, max_retries=0)
    cnis = cf.network_interconnects.cnis

    magic = {"conduit_name": "sdk-edge-1", "description": "from the SDK", "mtu": 1500}
    bgp = {"customer_asn": 65001, "extra_prefixes": ["203.0.113.0/24"], "md5_key": "sdk-key"}
    created = cnis.create(account_id=account, account=account, interconnect=port, magic=magic, bgp=bgp)
    check("create answers the object with its /31 pair", created.p2p_ip.endswith("/31") and created.cust_ip.endswith("/31"))
    check("create keeps magic and bgp", created.magic.mtu == 1500 and created.bgp.customer_asn == 65001)

    got = cnis.get(created.id, account_id=account)
    check("get answers the same object", got.id == created.id and got.interconnect == port)

    try:
        cnis.create(account_id=account, account=account, interconnect=port, magic=magic)
        check("a conduit name in use is refused", False)
    except cloudflare.ConflictError as e:
        check("a conduit name in use is a 409 ConflictError", e.status_code == 409)

    for n in range(2, 4):
        cnis.create(account_id=account, account=account, interconnect=port,
                    magic={"conduit_name": f"sdk-edge-{n}", "description": "", "mtu": 9000})
    cnis.create(account_id=account, account=account, interconnect=attachment,
                magic={"conduit_name": "sdk-cloud", "description": "", "mtu": 1500})
    seen, cursor = [], None
    while True:
        page = cnis.list(account_id=account, cursor=cursor) if cursor else cnis.list(account_id=account)
        seen += [c.magic.conduit_name for c in page.items]
        if not page.next:
            break
        cursor = page.next
    check("list follows next through every page", seen == ["sdk-edge-1", "sdk-edge-2", "sdk-edge-3", "sdk-cloud"])
    on_slot = cnis.list(account_id=account, slot=slot, limit=10)
    check("the slot filter keeps the port's CNIs", [c.magic.conduit_name for c in on_slot.items] == ["sdk-edge-1", "sdk-edge-2"])

    updated = cnis.update(created.id, account_id=account, id=created.id, account=account,
                          interconnect=port, magic={**magic, "mtu": 9000},
                          p2p_ip=created.p2p_ip, cust_ip=created.cust_ip, bgp=bgp,
                          bgp_mode="advertise_only")
    check("update takes the whole object and bgp_mode", updated.magic.mtu == 9000 and updated.bgp_mode == "advertise_only")

    try:
        cnis.update(created.id, account_id=account, id=created.id, account=account,
                    interconnect=attachment, magic=magic, p2p_ip=created.p2p_ip, cust_ip=created.cust_ip)
        check("a CNI cannot move", False)
    except cloudflare.BadRequestError as e:
        check("moving a CNI is a 400 BadRequestError", e.status_code == 400)

    cnis.delete(created.id, account_id=account)
    try:
        cnis.get(created.id, account_id=account)
        check("a deleted CNI is gone", False)
    except cloudflare.NotFoundError as e:
        check("a deleted CNI is a 404 NotFoundError", e.status_code == 404)
    try:
        cnis.delete(created.id, account_id=account)
        check("deleting it again is refused", False)
    except cloudflare.NotFoundError:
        check("deleting it again is a 404 NotFoundError", True)

    settings = cf.network_interconnects.settings
    before = settings.get(account_id=account).default_asn
    check("settings answer a default_asn", isinstance(before, int))
    after = settings.update(account_id=account, default_asn=before + 1)
    check("settings take a new default_asn", after.default_asn == before + 1)
    check("and keep it", settings.get(account_id=account).default_asn == before + 1)
    print("all checks passed")


if __name__ == "__main__":
    main()
