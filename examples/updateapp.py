"""The IAM User Guide's development/production story, end to end.

A developer in the development account switches (console) or assumes (API) the UpdateApp role in
the production account, with MFA; a tester is refused; while in the role the developer can reach
only the productionapp bucket, and their own permissions come back when they switch back.
https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html

Run: python examples/updateapp.py
"""

from __future__ import annotations

from pathlib import Path

import iamsim

world = iamsim.load_world(Path(__file__).with_name("world.yaml"))
dev, prod = world.account("development"), world.account("production")
alice, bob = dev.user("alice"), dev.user("bob")  # alice is a Developer, bob a Tester
role = prod.role("UpdateApp")
print("Send this link to the developers:", iamsim.switch_role_url(role, display_name="Prod app"))

# Without MFA the trust policy refuses, even for a Developer.
try:
    iamsim.assume_role(alice, role.arn, session_name="alice")
except iamsim.AccessDenied as refused:
    print("\nalice without MFA:", refused.code)

# With her virtual MFA device it works, and the session reaches only the productionapp bucket.
session = iamsim.assume_role(
    alice, role.arn, session_name="alice", serial_number=alice.mfa_serial, token_code="123456"
)
print("\nalice assumed", session.arn, "until", session.credentials.expiration.isoformat())
for resource in ("arn:aws:s3:::productionapp/app.zip", "arn:aws:s3:::otherbucket/app.zip"):
    print(" ", iamsim.evaluate(session, "s3:PutObject", resource))

# bob (Testers) has no permission to call sts:AssumeRole at all.
try:
    iamsim.sign_in(bob, mfa=True).switch_role("production", "UpdateApp")
except iamsim.AccessDenied as refused:
    if refused.decision is not None:  # a Decision is falsy when it denies: compare with None
        print("\nbob is refused:\n" + refused.decision.explain())

# In the console: alice's own permissions are suspended while she is in the role.
console = iamsim.sign_in(alice, mfa=True)
console.switch_role("production", "UpdateApp", display_name="Prod app")
print("\nin the role:", console.display_name)
print(" ", console.evaluate("s3:GetObject", "arn:aws:s3:::productionapp/app.zip"))
console.exit_role()
print("switched back:", console.display_name)
print(" ", console.evaluate("s3:GetObject", "arn:aws:s3:::productionapp/app.zip"))

print("\nThe audit trail:")
for event in world.events:
    print(
        f"  {event['eventTime']} {event['eventName']:<12} {event['userIdentity']['arn']}"
        f"  {event.get('errorCode', 'ok')}"
    )
