"""Gets a freshly seeded local edge ready for schemathesis (scripts/fuzz-api).

Signs in a resident of the demo store (joining it) and the store's owner, has the resident
place an order and the owner put the store's first live on air with an offer, and writes the IDs of what exists (stores, products, lives and their
offers, tastings, wishes, reviews, photos, orders, residents) as dictionaries the fuzzer
draws path parameters from, so its cases reach past "not found". Prints the two session
tokens as shell assignments. Standard library only.

usage: prepare.py BASE_URL OWNER_PHONE OWNER_PASSWORD DICTIONARY_DIR
"""

import datetime
import json
import os
import sys
import urllib.request

BASE, OWNER_PHONE, OWNER_PASSWORD, OUT = sys.argv[1:5]
STORE = "st-gubei"
OTHER_STORE = "st-xixi"


def call(method, path, body=None, session=None, headers=None):
    """The answer's JSON and the session cookie it set, if any."""
    request = urllib.request.Request(BASE + path, method=method, headers=dict(headers or {}))
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if session:
        request.add_header("Cookie", f"linli_session={session}")
    with urllib.request.urlopen(request) as response:
        cookie = response.headers.get("Set-Cookie", "")
        token = cookie.split(";")[0].split("=", 1)[1] if cookie.startswith("linli_session=") else None
        return json.load(response), token


_, resident = call(
    "POST",
    f"/api/v1/stores/{STORE}/residents",
    {"nickname": "模糊测试", "phone": "13912345678", "building": "1", "unit": "1单元", "household_tags": []},
)
_, owner = call("POST", "/api/v1/sessions", {"phone": OWNER_PHONE, "password": OWNER_PASSWORD})

store, _ = call("GET", f"/api/v1/stores/{STORE}")
listed = call("GET", f"/api/v1/stores/{STORE}/products")[0]["products"]
products = [p["id"] for p in listed]
in_stock = [p for p in listed if p["available"] > 2]
call(
    "POST",
    "/api/v1/orders",
    {"pickup_point_id": store["pickup_points"][0]["id"], "lines": [{"product_id": in_stock[0]["id"], "quantity": 1}]},
    session=resident,
    headers={"Idempotency-Key": "fuzz-prepare-order-1"},
)
lives = [c["session"]["id"] for c in call("GET", f"/api/v1/stores/{STORE}/lives")[0]["lives"]]
now = datetime.datetime.now(datetime.timezone.utc)
call("POST", f"/api/v1/lives/{lives[0]}/status-changes", {"status": "live"}, session=owner)
call(
    "POST",
    f"/api/v1/lives/{lives[0]}/offers",
    {
        "product_id": in_stock[1]["id"],
        "flash_price": in_stock[1]["price"],
        "allotted": 2,
        "opens_at": now.isoformat(),
        "closes_at": (now + datetime.timedelta(minutes=30)).isoformat(),
    },
    session=owner,
)
offers = [o["id"] for live in lives for o in call("GET", f"/api/v1/lives/{live}")[0]["room"]["offers"]]
reviews = call("GET", f"/api/v1/stores/{STORE}/reviews", session=owner)[0]["reviews"]
dictionaries = {
    "store": [STORE, OTHER_STORE],
    "product": products,
    "live": lives,
    "offer": offers,
    "tasting": [t["id"] for t in call("GET", f"/api/v1/stores/{STORE}/tastings")[0]["tastings"]],
    "demand": [d["id"] for d in call("GET", f"/api/v1/stores/{STORE}/demands")[0]["demands"]],
    "review": [r["review"]["id"] for r in reviews],
    "photo": [p for r in reviews for p in r["review"]["photo_ids"]],
    "order": [o["id"] for o in call("GET", "/api/v1/orders", session=resident)[0]["orders"]],
    "person": [r["person_id"] for r in call("GET", f"/api/v1/stores/{STORE}/residents", session=owner)[0]["residents"]],
}
os.makedirs(OUT, exist_ok=True)
for name, ids in dictionaries.items():
    if not ids:
        sys.exit(f"prepare.py: the seeded edge has no {name} to fuzz with")
    with open(os.path.join(OUT, f"{name}.dict"), "w", encoding="utf-8") as f:
        f.writelines(json.dumps(i) + "\n" for i in ids)
print(f"resident={resident}")
print(f"owner={owner}")
