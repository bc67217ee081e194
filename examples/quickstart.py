"""Decide two requests against a user's policies and print why, as AWS would decide them.

Run: python examples/quickstart.py
"""

from __future__ import annotations

import iamsim

READ_REPORTS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
        },
        {
            "Sid": "DenyWithoutTLS",
            "Effect": "Deny",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ],
}

policies = iamsim.PolicySet(identity=[READ_REPORTS])
alice = "arn:aws:iam::111122223333:user/alice"

for context in ({"aws:SecureTransport": "true"}, {"aws:SecureTransport": "false"}):
    decision = policies.evaluate(
        alice, "s3:GetObject", "arn:aws:s3:::reports/q3.csv", context=context
    )
    print(decision.explain())
    print()

decision = policies.evaluate(alice, "s3:PutObject", "arn:aws:s3:::reports/q3.csv")
print(decision.explain())
