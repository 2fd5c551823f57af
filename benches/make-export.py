#!/usr/bin/env python3
"""Writes a synthetic Lync / Skype for Business contact export, and the equivalent contact-list CSV.

The export holds USERS users of CONTACTS contacts each (every address made up, on reserved
example domains or the public networks' own). A share PUBLIC of each list is on the public networks
(Messenger, AOL, Yahoo!, in the default scenario's mix), the rest is internal (on the users' own
SIP domain) or a federated partner, at 5 internal to 1 partner as in Microsoft's Lync Server 2013
user model (80 contacts: 40 % public, 50 % internal, 10 % partner). Each list also has a
distribution group and each user an urn:hcd: item, as real exports do.

Usage: make-export.py OUT [--users N] [--contacts K] [--public S] [--format zip|xml|legacy]
                          [--csv CSV] [--second-domain S] [--silent S] [--bad N] [--own-domains]
--second-domain puts that share of users on a second SIP domain (fabrikam.example); --own-domains
puts every user on a SIP domain of their own (u0000001.example, …), their first contact internal
on it (the worst case for telling internal contacts from partners); --silent gives
that share of users only internal contacts; --bad adds a contact without a Buddy to the lists of
the first N users (a bad contact, refused unless --skip-bad-rows).
--csv writes the lists a run would simulate (the public entries, and a `none` row for a user with
none) as `picsim import --to --reveal-addresses` would, for comparing the two import paths.
"""
import argparse
import random
import zipfile

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--users", type=int, default=12_500)
ap.add_argument("--contacts", type=int, default=80)
ap.add_argument("--public", type=float, default=0.4)
ap.add_argument("--format", choices=["zip", "xml", "legacy"], default="zip")
ap.add_argument("--csv")
ap.add_argument("--second-domain", type=float, default=0.0)
ap.add_argument("--silent", type=float, default=0.0)
ap.add_argument("--bad", type=int, default=0)
ap.add_argument("--own-domains", action="store_true")
a = ap.parse_args()

rng = random.Random(12)
networks = [("hotmail.com", "wlm", 0.65), ("aol.com", "aim", 0.15), ("yahoo.com", "yahoo", 0.20)]
# Public contacts are drawn from a pool a few times the users, so persons are shared between lists.
pool = max(1, a.users * 3)


def public_contact():
    r = rng.random()
    for domain, net, share in networks:
        if r < share:
            return f"contact{rng.randrange(pool):07d}.sample@{domain}", net
        r -= share
    return f"contact{rng.randrange(pool):07d}.sample@{networks[-1][0]}", networks[-1][1]


legacy = a.format == "legacy"
# The XML is written as it is made (a million users do not fit comfortably in one string).
if a.format == "zip":
    archive = zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED)
    meta = zipfile.ZipInfo("MetaData.xml", date_time=(2014, 6, 1, 0, 0, 0))
    meta.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(meta, '<MetaData Version="1" />')
    # A fixed date, so the same arguments give the same bytes.
    info = zipfile.ZipInfo("DocItemSet.xml", date_time=(2014, 6, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    out = archive.open(info, "w", force_zip64=True)
    write = lambda text: out.write(text.encode())
else:
    out = open(a.out, "w")
    write = out.write


class Parts:
    """Written as appended."""
    def append(self, text):
        write(text)


parts = Parts()
csv_rows = ["user,contact,network,org,domain"]
head = '<?xml version="1.0" encoding="utf-8"?>\n'
if legacy:
    parts.append(head + '<HomedResources xmlns="http://schemas.microsoft.com/RtcServer/2002/11/dbimpexp">\n')
else:
    parts.append(head + '<DocItemSet xmlns="urn:schema:Microsoft.Rtc.Management.ScopeFramework.2008">\n')
for u in range(a.users):
    # The first user is on the first domain, so the domains come in the same order in every file.
    second = rng.random() < a.second_domain and u > 0
    domain = "fabrikam.example" if second else "contoso.example"
    if a.own_domains:
        domain = f"u{u:07d}.example"
    user = f"user{u:07d}@{domain}"
    silent = rng.random() < a.silent
    seen = set()
    contacts = []
    entries = []
    for k in range(a.contacts):
        r = rng.random()
        if silent:
            r = max(r, a.public)
        if a.own_domains and k == 0:
            contacts.append(f'      <Contact Buddy="sip:colleague@{domain}" DisplayName="" Groups="1" SubscribePresence="true" />\n')
            continue
        if r < a.public:
            address, net = public_contact()
            if address in seen:
                continue
            seen.add(address)
            entries.append((address, net))
        elif r < a.public + (1 - a.public) * 5 / 6:
            address = f"user{rng.randrange(a.users):07d}@contoso.example"
        else:
            address = f"c{rng.randrange(100_000):06d}@partner{rng.randrange(50)}.example"
        contacts.append(f'      <Contact Buddy="sip:{address}" DisplayName="" Groups="1" SubscribePresence="true" />\n')
    if u < a.bad:
        contacts.append('      <Contact DisplayName="" Groups="1" />\n')
    groups = ('      <ContactGroups>\n        <ContactGroup Number="1" DisplayName="fg==" />\n'
              '        <ContactGroup Number="2" DisplayName="VGVhbQ==" ExternalUri="c2lwOnRlYW1AY29udG9zby5leGFtcGxl" />\n'
              '      </ContactGroups>\n')
    body = groups + "      <Contacts>\n" + "".join(contacts) + "      </Contacts>\n"
    if legacy:
        parts.append(f'  <HomedResource UserAtHost="{user}">\n{body}  </HomedResource>\n')
    else:
        parts.append(f'  <DocItem Name="urn:lcd:{user}">\n    <Data><HomedResource>\n{body}    </HomedResource></Data>\n  </DocItem>\n')
        parts.append(f'  <DocItem Name="urn:hcd:{user}"><Data><Conferencing /></Data></DocItem>\n')
    if entries:
        csv_rows.extend(f"{user},{c},{n},contoso.example,{domain}" for c, n in entries)
    else:
        csv_rows.append(f"{user},,none,contoso.example,{domain}")
parts.append("</HomedResources>\n" if legacy else "</DocItemSet>\n")
out.close()
if a.format == "zip":
    archive.close()
if a.csv:
    with open(a.csv, "w") as f:
        f.write("\n".join(csv_rows) + "\n")
