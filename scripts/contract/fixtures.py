"""Known ids for the contract tests (scripts/contract.sh).

Generated path parameters are random UUIDs, which reach only the 404s. This collects real ids
from the seeded demo force (its case, the case's updates and property, a message each way, a
signed-in and an anonymous report, staff and victim accounts, the integration key, leased
notifications) and prints a schemathesis configuration fragment that offers them for the path
parameters that take them (and a few versions for If-Match, a message id for read markers, the
demo victim's sign-in), half of the time: the other half stays random.

Usage: python3 fixtures.py BASE_URL; tokens in TMC_TOKEN_<ROLE> (victim, officer, supervisor,
admin, integration). Standard library only.
"""

import json
import os
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

BASE = sys.argv[1]


def call(method, path, role=None, body=None):
    headers = {"Accept": "application/json"}
    if role:
        headers["Authorization"] = "Bearer " + os.environ["TMC_TOKEN_" + role.upper()]
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
    except urllib.error.HTTPError as error:
        sys.exit(f"fixtures: {method} {path} as {role or 'anonymous'}: {error.code} {error.read()[:300]!r}")
    return json.loads(text) if text else None


def ids(items):
    return [item["id"] for item in items]


cases = call("GET", "/v1/cases?limit=200", "officer")["items"]
case = next(c for c in cases if c["crime_reference"] == "KT/DEMO/0001")["id"]
updates = ids(call("GET", f"/v1/cases/{case}/updates", "officer")["items"])
items = ids(call("GET", f"/v1/cases/{case}/property", "officer")["items"])
messages = [
    call("POST", f"/v1/cases/{case}/messages", "victim", {"body": "Has anyone looked at the doorbell camera footage?"})["id"],
    call("POST", f"/v1/cases/{case}/messages", "officer", {"body": "Yes, it has been sent to the lab with the rest."})["id"],
]
yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
report = {
    "force": "kent", "category": "bicycle-theft", "description": "My bicycle was taken from outside the station.",
    "occurred_from": yesterday, "location": {"description": "Canterbury East station", "postcode": "CT1 2RB"},
    "not_an_emergency": True,
}
reports = [
    call("POST", "/v1/reports", "victim", report)["id"],
    call("POST", "/v1/reports", None, {**report, "reporter": {"name": "Ann Onymous", "email": "ann@example.org"}})["id"],
]
users = [call("GET", "/v1/me", role)["id"] for role in ("officer", "supervisor", "victim")]
keys = ids(call("GET", "/v1/forces/kent/api-keys", "admin")["items"])
notifications = ids(call("GET", "/v1/forces/kent/notifications?limit=5", "integration")["items"])

dictionaries = {
    "case_ids": [case], "update_ids": updates, "item_ids": items, "message_ids": messages,
    "report_ids": reports, "user_ids": users, "key_ids": keys, "notification_ids": notifications,
    "force_codes": ["kent"],
    # Current and stale versions for If-Match, and a real sign-in.
    "etags": ['"1"', '"2"', '"3"'],
    "emails": ["victim@demo.example"], "passwords": ["demo-victim-password"],
}
# Path (a regular expression, anchored) -> its parameters and the dictionary for each.
bindings = [
    (r"^/v1/cases/\{id\}(/(updates|statement|review-request(/acknowledge|/decide)?|property|messages|audit))?$",
     {"path.id": "case_ids", "header.If-Match": "etags"}),
    (r"^/v1/cases/\{id\}/messages/read$", {"path.id": "case_ids", "body.up_to": "message_ids"}),
    (r"^/v1/cases/\{id\}/updates/\{update_id\}/publish$", {"path.id": "case_ids", "path.update_id": "update_ids"}),
    (r"^/v1/cases/\{id\}/property/\{item_id\}(/versions)?$",
     {"path.id": "case_ids", "path.item_id": "item_ids", "header.If-Match": "etags"}),
    (r"^/v1/cases/\{id\}/messages/\{message_id\}$", {"path.id": "case_ids", "path.message_id": "message_ids"}),
    (r"^/v1/reports/\{id\}(/triage)?$", {"path.id": "report_ids"}),
    (r"^/v1/users/\{id\}/disable$", {"path.id": "user_ids"}),
    (r"^/v1/notifications/\{id\}/delivered$", {"path.id": "notification_ids"}),
    (r"^/v1/forces/\{code\}(/(users|api-keys|compliance|stats|changes|notifications))?$", {"path.code": "force_codes"}),
    (r"^/v1/forces/\{code\}/api-keys/\{id\}$", {"path.code": "force_codes", "path.id": "key_ids"}),
    (r"^/v1/auth/login$", {"body.email": "emails", "body.password": "passwords"}),
]

print("[dictionaries]")
for name, values in dictionaries.items():
    if values:
        print(f"{name} = {{ values = {json.dumps(values)} }}")
for path, parameters in bindings:
    bound = {p: d for p, d in parameters.items() if dictionaries[d]}
    if not bound:
        continue
    print("\n[[operations]]")
    print(f"include-path-regex = '{path}'")
    inner = ", ".join(f'"{p}" = {{ dictionary = "{d}", probability = 0.5 }}' for p, d in bound.items())
    print(f"parameters = {{ {inner} }}")
