"""The development/production story of the IAM User Guide, built in code for the STS tests.

https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

import iamsim

V = "2012-10-17"
UPDATE_APP = "arn:aws:iam::222222222222:role/UpdateApp"
BUCKET = "arn:aws:s3:::productionapp"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Action": action, "Resource": resource, **extra})


@pytest.fixture
def world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    dev = world.create_account("111111111111", alias="development")
    prod = world.create_account("222222222222", alias="production")
    world.create_account("333333333333", alias="partner")
    dev.create_group("Developers", policies={"assume": allow("sts:AssumeRole", UPDATE_APP)})
    dev.create_group("Testers", policies={"read": allow("s3:Get*")})
    dev.create_user(
        "alice",
        groups=["Developers"],
        mfa=True,
        policies={"own": allow("s3:*", "arn:aws:s3:::devbucket/*")},
    )
    dev.create_user("bob", groups=["Testers"], mfa=True)
    prod.create_role(
        "UpdateApp",
        trust_policy=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "sts:AssumeRole",
            }
        ),
        policies={
            "rw": doc(
                {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                    "Resource": BUCKET,
                },
                {
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": f"{BUCKET}/*",
                },
            )
        },
        tags={"env": "production"},
    )
    prod.add_resource(BUCKET)
    return world


@pytest.fixture
def alice(world: iamsim.World) -> iamsim.User:
    return world.account("development").user("alice")


@pytest.fixture
def bob(world: iamsim.World) -> iamsim.User:
    return world.account("development").user("bob")
