"""Benchmark: build a large organization World and decide requests with ``iamsim.evaluate``.

The world: an organization (a management account, 3 OUs, custom SCPs including a region deny-list,
one custom RCP) with 200 member accounts (``--scale`` multiplies that) plus 2 accounts outside it.
Every account holds 50 roles (same-account, cross-account, ExternalId, MFA and EC2/Lambda service
trusts; 1 to 3 inline policies with wildcards and conditions; shared customer managed and AWS
managed policies; some permissions boundaries; tags), 10 users in 3 groups, and 20 resources
(S3 buckets with bucket policies naming other accounts, SQS queues with queue policies, KMS keys
with key policies). The three tooling accounts add roles that act across the organization.

Four figures are reported:

* **build**: wall time to build the world, the peak of Python allocations while building it
  (tracemalloc, measured on a second, identical build so tracing does not slow the timed one) and
  the process's peak RSS (``resource.getrusage``) after the timed build;
* **cold first evaluate**: one request each for 200 principals never evaluated before (gathering
  their policies, compiling them, building the policy set, deciding);
* **first pass**: the workload once, filling the per-principal/per-resource policy-set caches;
* **cached evaluate**: the same workload again, best of 3 passes, on ``iamsim.evaluate``.

Run ``.venv/bin/python benchmarks/bench_world.py`` (``--scale 2`` doubles the accounts,
``--profile`` prints a cProfile of one cached pass).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import iamsim

SEED = 20240601
MEMBER_ACCOUNTS = 200
ROLES_PER_ACCOUNT = 50  # the sum of ROLE_KINDS' counts
USERS_PER_ACCOUNT = 10
N_REQUESTS = 20_000
N_HOT_PRINCIPALS = 100
N_COLD_PRINCIPALS = 200
REPEATS = 3
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ORG_ID = "o-bench00001"
MANAGEMENT = "100000000000"
EXTERNAL = ("900000000001", "900000000002")

TARGET_BUILD_S = 5.0
TARGET_MEMORY_MB = 500.0
TARGET_RATE = 30_000.0

ALLOWED_REGIONS = ["us-east-1", "us-west-2", "eu-west-1"]
OTHER_REGIONS = ["ap-southeast-2", "sa-east-1"]
TEAMS = ["payments", "search", "identity", "platform", "data", "web"]
BUCKET_PURPOSES = [
    "data",
    "logs",
    "artifacts",
    "backups",
    "reports",
    "static",
    "uploads",
    "archive",
]
QUEUE_NAMES = ["orders", "events", "emails", "jobs", "audit", "dlq"]
USER_NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
INTERNAL_NET = ["10.0.0.0/8", "192.0.2.0/24"]

# (role name prefix, how many per account); the counts add up to ROLES_PER_ACCOUNT.
ROLE_KINDS: list[tuple[str, int]] = [
    ("admin", 2),
    ("ci-deploy", 5),
    ("audit", 2),
    ("ops", 6),
    ("app", 12),
    ("fn", 12),
    ("data", 6),
    ("readonly", 5),
]
# Extra roles in the tooling accounts, the ones that act across the organization.
TOOLING_ROLES = {"ci": "ci-runner", "security": "auditor", "shared": "ops-automation"}
TOOLING_ROLE_COUNT = 5
ASSUMES = {"ci-runner": "ci-deploy", "auditor": "audit", "ops-automation": "ops"}

Json = dict[str, Any]
Part = tuple[iamsim.User | iamsim.Role, str, str, dict[str, str]]


def doc(*statements: Json) -> Json:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], res: str | list[str], cond: Json | None = None) -> Json:
    stmt: Json = {"Effect": "Allow", "Action": action, "Resource": res}
    if cond:
        stmt["Condition"] = cond
    return stmt


def deny(action: str | list[str], res: str | list[str], cond: Json | None = None) -> Json:
    return {**allow(action, res, cond), "Effect": "Deny"}


def trust(principal: Json | str, cond: Json | None = None, action: str = "sts:AssumeRole") -> Json:
    stmt: Json = {"Effect": "Allow", "Principal": principal, "Action": action}
    if cond:
        stmt["Condition"] = cond
    return stmt


def root(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


# -- the organization


def scp_deny_leave() -> Json:
    return doc(
        deny(["organizations:LeaveOrganization", "account:CloseAccount"], "*"),
    )


def scp_region_deny_list() -> Json:
    return doc(
        {
            "Sid": "DenyOutsideApprovedRegions",
            "Effect": "Deny",
            "NotAction": [
                "iam:*",
                "sts:*",
                "organizations:*",
                "support:*",
                "cloudfront:*",
                "route53:*",
                "budgets:*",
            ],
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": ALLOWED_REGIONS},
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"},
            },
        }
    )


def scp_protect_prod() -> Json:
    return doc(
        deny(
            [
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "guardduty:Delete*",
                "kms:ScheduleKeyDeletion",
                "s3:DeleteBucket",
                "s3:PutBucketPolicy",
            ],
            "*",
            {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}},
        ),
    )


def scp_dev_guardrails() -> Json:
    return doc(
        deny(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"], "*"),
        deny(
            "ec2:RunInstances",
            "arn:aws:ec2:*:*:instance/*",
            {"ForAnyValue:StringNotLike": {"ec2:InstanceType": ["t3.*", "t4g.*"]}},
        ),
    )


def rcp_org_perimeter() -> Json:
    return doc(
        {
            "Sid": "EnforceSecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*", "sqs:*", "kms:*"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "EnforceOrgIdentities",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:*", "sqs:*", "kms:*", "sts:AssumeRole"],
            "Resource": "*",
            "Condition": {
                "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG_ID},
                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
            },
        },
    )


# -- AWS managed policies (slimmed-down versions of the real ones)

AWS_MANAGED: dict[str, tuple[str, Json]] = {
    "AdministratorAccess": ("/", doc(allow("*", "*"))),
    "PowerUserAccess": (
        "/",
        doc(
            {
                "Effect": "Allow",
                "NotAction": ["iam:*", "organizations:*", "account:*"],
                "Resource": "*",
            },
            allow(
                [
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                    "account:ListRegions",
                ],
                "*",
            ),
        ),
    ),
    "ReadOnlyAccess": (
        "/",
        doc(
            allow(
                [
                    "s3:Get*",
                    "s3:List*",
                    "ec2:Describe*",
                    "dynamodb:Describe*",
                    "dynamodb:List*",
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "sqs:Get*",
                    "sqs:List*",
                    "kms:Describe*",
                    "kms:List*",
                    "iam:Get*",
                    "iam:List*",
                    "logs:Describe*",
                    "logs:Get*",
                    "lambda:Get*",
                    "lambda:List*",
                    "cloudtrail:Describe*",
                    "cloudtrail:LookupEvents",
                ],
                "*",
            )
        ),
    ),
    "SecurityAudit": (
        "/",
        doc(
            allow(
                [
                    "iam:GenerateCredentialReport",
                    "iam:Get*",
                    "iam:List*",
                    "s3:GetBucket*",
                    "s3:ListAllMyBuckets",
                    "kms:Describe*",
                    "kms:GetKeyPolicy",
                    "kms:List*",
                    "sqs:GetQueueAttributes",
                    "sqs:ListQueues",
                    "cloudtrail:Describe*",
                    "cloudtrail:GetTrailStatus",
                    "guardduty:Get*",
                    "guardduty:List*",
                    "ec2:Describe*",
                    "organizations:Describe*",
                    "organizations:List*",
                ],
                "*",
            )
        ),
    ),
    "AmazonS3ReadOnlyAccess": ("/", doc(allow(["s3:Get*", "s3:List*", "s3:Describe*"], "*"))),
    "AWSLambdaBasicExecutionRole": (
        "/service-role/",
        doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    "AmazonSSMManagedInstanceCore": (
        "/",
        doc(
            allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDocument",
                    "ssm:UpdateInstanceInformation",
                    "ssmmessages:*",
                    "ec2messages:*",
                ],
                "*",
            )
        ),
    ),
}


def aws_arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy{AWS_MANAGED[name][0]}{name}"


# -- layout: which accounts exist and what they hold


@dataclass
class AccountInfo:
    id: str
    ou: str  # "management" | "infra" | "prod" | "dev" | "external"
    team: str
    buckets: list[str] = field(default_factory=list)
    queues: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)  # kind -> names
    users: list[str] = field(default_factory=list)


@dataclass
class Layout:
    accounts: dict[str, AccountInfo]
    tooling: dict[str, str]  # "ci" | "security" | "shared" -> account ID
    members: list[str]
    documents: int = 0  # policy documents given to the world (trust, inline, managed, resource)


def make_layout(n_members: int, rng: random.Random) -> Layout:
    members = [f"2{i:011d}" for i in range(1, n_members + 1)]
    tooling = {"ci": members[0], "security": members[1], "shared": members[2]}
    accounts = {MANAGEMENT: AccountInfo(MANAGEMENT, "management", "platform")}
    for i, account in enumerate(members):
        ou = "infra" if i < 3 else ("prod" if rng.random() < 0.4 else "dev")
        accounts[account] = AccountInfo(account, ou, rng.choice(TEAMS))
    for account in EXTERNAL:
        accounts[account] = AccountInfo(account, "external", rng.choice(TEAMS))
    return Layout(accounts, tooling, members)


# -- per-account policies


def shared_policies(account: str) -> dict[str, Json]:
    """The customer managed policies every account creates and attaches to many roles."""
    return {
        "S3AppReadOnly": doc(
            allow(
                ["s3:GetObject*", "s3:ListBucket*", "s3:GetBucketLocation"],
                [f"arn:aws:s3:::acme-{account}-*", f"arn:aws:s3:::acme-{account}-*/*"],
            )
        ),
        "AppDataReadWrite": doc(
            allow(
                [
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:Query",
                    "dynamodb:BatchGet*",
                ],
                f"arn:aws:dynamodb:*:{account}:table/app-*",
                {"StringEquals": {"aws:RequestedRegion": ALLOWED_REGIONS}},
            ),
            allow(
                [
                    "sqs:SendMessage",
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ],
                f"arn:aws:sqs:*:{account}:app-*",
            ),
        ),
        "LogsAndMetrics": doc(
            allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                f"arn:aws:logs:*:{account}:log-group:/app/*",
            ),
            allow(
                "cloudwatch:PutMetricData",
                "*",
                {"StringLike": {"cloudwatch:namespace": "App/*"}},
            ),
        ),
        "KmsAppKeys": doc(
            allow(
                ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
                f"arn:aws:kms:*:{account}:key/*",
                {"StringLike": {"kms:ViaService": ["s3.*.amazonaws.com", "sqs.*.amazonaws.com"]}},
            ),
            allow(["kms:DescribeKey", "kms:ListAliases"], "*"),
        ),
        "DenyPrivilegeEscalation": doc(
            deny(
                [
                    "iam:CreatePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                    "iam:PutRolePolicy",
                    "iam:AttachRolePolicy",
                    "iam:PutRolePermissionsBoundary",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:UpdateAssumeRolePolicy",
                ],
                "*",
                {"StringNotEquals": {"aws:PrincipalTag/iam-admin": "true"}},
            )
        ),
        "AppBoundary": doc(
            allow(
                [
                    "s3:*",
                    "sqs:*",
                    "dynamodb:*",
                    "logs:*",
                    "cloudwatch:*",
                    "kms:Decrypt",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey",
                    "ec2:Describe*",
                    "ec2:StartInstances",
                    "ec2:StopInstances",
                    "lambda:*",
                    "ssm:GetParameter*",
                    "sts:AssumeRole",
                ],
                "*",
            ),
            deny(["iam:*", "organizations:*", "account:*"], "*"),
        ),
    }


def inline_bank(info: AccountInfo, layout: Layout, rng: random.Random) -> list[Json]:
    """Candidate inline policies for one role or user: wildcards, conditions, some Denies."""
    acct, team = info.id, info.team
    other = rng.choice(layout.members)
    region = rng.choice(ALLOWED_REGIONS)
    purpose = rng.choice(BUCKET_PURPOSES)
    return [
        doc(
            allow(
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject*"],
                f"arn:aws:s3:::acme-{acct}-{purpose}/{team}/*",
                {"Bool": {"aws:SecureTransport": "true"}},
            ),
            allow("s3:ListBucket", f"arn:aws:s3:::acme-{acct}-{purpose}"),
        ),
        doc(
            allow(
                ["s3:GetObject", "s3:ListBucket"],
                [f"arn:aws:s3:::acme-{other}-*", f"arn:aws:s3:::acme-{other}-*/*"],
            ),
            allow("kms:Decrypt", f"arn:aws:kms:*:{other}:key/*"),
        ),
        doc(
            allow(
                ["dynamodb:*Item", "dynamodb:Query", "dynamodb:Scan"],
                [
                    f"arn:aws:dynamodb:*:{acct}:table/{team}-*",
                    f"arn:aws:dynamodb:*:{acct}:table/app-*",
                ],
                {"StringEquals": {"aws:RequestedRegion": ALLOWED_REGIONS}},
            ),
            deny("dynamodb:DeleteTable", "*"),
        ),
        doc(
            allow("sqs:*", f"arn:aws:sqs:{region}:{acct}:app-*"),
            deny(["sqs:DeleteQueue", "sqs:SetQueueAttributes"], "*"),
        ),
        doc(
            allow(
                ["ec2:StartInstances", "ec2:StopInstances"],
                f"arn:aws:ec2:*:{acct}:instance/*",
                {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
            ),
            allow("ec2:Describe*", "*"),
        ),
        doc(
            deny(
                "*",
                "*",
                {
                    "NotIpAddress": {"aws:SourceIp": INTERNAL_NET},
                    "Bool": {"aws:ViaAWSService": "false"},
                },
            )
        ),
        doc(
            allow(
                "sts:AssumeRole",
                ["arn:aws:iam::*:role/data-*", f"arn:aws:iam::{acct}:role/ops-*"],
            )
        ),
        doc(
            allow(
                "secretsmanager:GetSecretValue",
                f"arn:aws:secretsmanager:*:{acct}:secret:{team}/*",
                {"StringEquals": {"aws:ResourceTag/team": team}},
            ),
            allow("ssm:GetParameter*", f"arn:aws:ssm:*:{acct}:parameter/{team}/*"),
        ),
    ]


def role_trust(kind: str, k: int, info: AccountInfo, layout: Layout, rng: random.Random) -> Json:
    acct = info.id
    ci, security, shared = (
        layout.tooling["ci"],
        layout.tooling["security"],
        layout.tooling["shared"],
    )
    mfa = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    if kind == "admin":
        return doc(trust({"AWS": root(acct)}, mfa))
    if kind == "ci-deploy":
        return doc(
            trust(
                {"AWS": root(ci)},
                {
                    "StringEquals": {"sts:ExternalId": f"ext-{acct}"},
                    "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ci}:role/ci-runner-*"},
                },
            )
        )
    if kind == "audit":
        return doc(
            trust(
                {"AWS": [root(security), f"arn:aws:iam::{security}:role/auditor-{k}"]},
                {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}},
            )
        )
    if kind == "ops":
        return doc(
            trust({"AWS": f"arn:aws:iam::{shared}:role/ops-automation-{k % 5}"}),
            trust({"AWS": root(acct)}, mfa),
        )
    if kind == "app":
        return doc(trust({"Service": "ec2.amazonaws.com"}))
    if kind == "fn":
        return doc(
            trust(
                {"Service": "lambda.amazonaws.com"},
                {"StringEquals": {"aws:SourceAccount": acct}},
            )
        )
    if kind == "data":
        others = rng.sample(layout.members, 2)
        return doc(
            trust({"AWS": root(acct)}),
            trust(
                {"AWS": [root(o) for o in others]},
                {"StringEquals": {"sts:ExternalId": f"data-{acct}"}},
            ),
        )
    return doc(trust({"AWS": [root(acct), root(security)]}))  # readonly


def role_managed(kind: str, shared: dict[str, str], rng: random.Random) -> list[str]:
    pick: dict[str, list[str]] = {
        "admin": [aws_arn("AdministratorAccess")],
        "ci-deploy": [aws_arn("PowerUserAccess"), shared["DenyPrivilegeEscalation"]],
        "audit": [aws_arn("SecurityAudit"), aws_arn("ReadOnlyAccess")],
        "ops": [aws_arn("ReadOnlyAccess"), shared["LogsAndMetrics"]],
        "app": [aws_arn("AmazonSSMManagedInstanceCore"), shared["S3AppReadOnly"]],
        "fn": [aws_arn("AWSLambdaBasicExecutionRole"), shared["AppDataReadWrite"]],
        "data": [shared["S3AppReadOnly"], shared["KmsAppKeys"]],
        "readonly": [aws_arn("ReadOnlyAccess")],
    }
    managed = list(pick[kind])
    extras = [shared["KmsAppKeys"], shared["LogsAndMetrics"], shared["AppDataReadWrite"]]
    managed += [p for p in rng.sample(extras, rng.randint(0, 2)) if p not in managed]
    if kind not in ("admin", "ci-deploy") and rng.random() < 0.5:
        managed.append(shared["DenyPrivilegeEscalation"])
    return managed


def tooling_policies(which: str, layout: Layout) -> list[Json]:
    if which == "ci":
        return [
            doc(
                allow("sts:AssumeRole", "arn:aws:iam::*:role/ci-deploy-*"),
                allow(["s3:GetObject", "s3:PutObject", "s3:ListBucket"], "arn:aws:s3:::acme-*"),
                allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::acme-*/*"),
            )
        ]
    if which == "security":
        return [
            doc(
                allow("sts:AssumeRole", "arn:aws:iam::*:role/audit-*"),
                allow(["s3:GetBucket*", "s3:GetObject", "s3:ListBucket"], "*"),
                allow(["kms:DescribeKey", "kms:GetKeyPolicy", "sqs:GetQueueAttributes"], "*"),
            )
        ]
    return [
        doc(
            allow("sts:AssumeRole", ["arn:aws:iam::*:role/ops-*", "arn:aws:iam::*:role/data-*"]),
            allow(["sqs:SendMessage", "sqs:GetQueueAttributes"], "arn:aws:sqs:*:*:app-*"),
            allow("kms:Decrypt", "*", {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}),
        )
    ]


def bucket_policy(bucket: str, info: AccountInfo, layout: Layout, rng: random.Random) -> Json:
    readers = {layout.tooling["ci"], layout.tooling["security"], *rng.sample(layout.members, 2)}
    readers.discard(info.id)
    statements: list[Json] = [
        {
            "Sid": "CrossAccountRead",
            "Effect": "Allow",
            "Principal": {"AWS": sorted(root(a) for a in readers)},
            "Action": ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        },
        {
            "Sid": "CiWrite",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{layout.tooling['ci']}:role/ci-runner-0"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/artifacts/*",
        },
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    ]
    if rng.random() < 0.5:
        statements.append(
            {
                "Sid": "DenyOutsideOrg",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG_ID}},
            }
        )
    if bucket.endswith("-logs"):
        statements.append(
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"aws:SourceAccount": info.id}},
            }
        )
    return {"Version": "2012-10-17", "Id": f"{bucket}-policy", "Statement": statements}


def queue_policy(queue: str, info: AccountInfo, layout: Layout, rng: random.Random) -> Json:
    return doc(
        {
            "Sid": "FromSns",
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue,
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{info.id}:*"}},
        },
        {
            "Sid": "CrossAccountSend",
            "Effect": "Allow",
            "Principal": {
                "AWS": [root(layout.tooling["shared"]), root(rng.choice(layout.members))]
            },
            "Action": ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            "Resource": queue,
        },
    )


def key_policy(info: AccountInfo, layout: Layout, rng: random.Random) -> Json:
    return doc(
        {
            "Sid": "EnableIamPolicies",
            "Effect": "Allow",
            "Principal": {"AWS": root(info.id)},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "KeyAdministrators",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{info.id}:role/admin-0"},
            "Action": ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:ScheduleKeyDeletion"],
            "Resource": "*",
        },
        {
            "Sid": "CrossAccountUse",
            "Effect": "Allow",
            "Principal": {
                "AWS": [root(layout.tooling["shared"]), root(rng.choice(layout.members))]
            },
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": "*",
        },
    )


def build_account(
    world: iamsim.World, account: iamsim.Account, info: AccountInfo, layout: Layout, seed: int
) -> None:
    rng = random.Random(seed)
    acct = info.id
    shared: dict[str, str] = {}
    for name, document in shared_policies(acct).items():
        shared[name] = account.create_policy(name, document, description=f"shared {name}").arn
        layout.documents += 1

    for kind, count in ROLE_KINDS:
        names = info.roles.setdefault(kind, [])
        for k in range(count):
            name = f"{kind}-{k}"
            bank = inline_bank(info, layout, rng)
            inline = {
                f"{kind}-inline-{i}": d for i, d in enumerate(rng.sample(bank, rng.randint(1, 3)))
            }
            boundary = (
                shared["AppBoundary"]
                if kind in ("app", "fn", "data", "ci-deploy") and rng.random() < 0.4
                else None
            )
            tags = {
                "team": info.team,
                "env": info.ou,
                "cost-center": f"cc-{rng.randrange(100):02d}",
            }
            if kind == "admin":
                tags["iam-admin"] = "true"
            account.create_role(
                name,
                trust_policy=role_trust(kind, k, info, layout, rng),
                policies=inline,
                managed_policies=role_managed(kind, shared, rng),
                boundary=boundary,
                tags=tags,
                description=f"{kind} role {k}",
            )
            layout.documents += 1 + len(inline)
            names.append(name)

    for which, tooling_account in layout.tooling.items():
        if tooling_account != acct:
            continue
        prefix = TOOLING_ROLES[which]
        names = info.roles.setdefault(prefix, [])
        for k in range(TOOLING_ROLE_COUNT):
            name = f"{prefix}-{k}"
            account.create_role(
                name,
                trust_policy=doc(
                    trust({"Service": "ec2.amazonaws.com"}), trust({"AWS": root(acct)})
                ),
                policies=tooling_policies(which, layout),
                managed_policies=[aws_arn("ReadOnlyAccess")],
                tags={"team": "platform", "env": "tooling"},
            )
            layout.documents += 2
            names.append(name)

    groups = {
        "developers": (
            [rng.choice(inline_bank(info, layout, rng))],
            [aws_arn("ReadOnlyAccess"), shared["AppDataReadWrite"]],
        ),
        "operators": ([], [aws_arn("PowerUserAccess"), shared["DenyPrivilegeEscalation"]]),
        "auditors": ([], [aws_arn("SecurityAudit")]),
    }
    for group, (inline_docs, managed) in groups.items():
        account.create_group(group, policies=inline_docs, managed_policies=managed)
        layout.documents += len(inline_docs)

    self_service = doc(
        allow(
            ["iam:ChangePassword", "iam:*AccessKey*", "iam:*MFADevice"],
            f"arn:aws:iam::{acct}:user/${{aws:username}}",
        ),
        allow(
            "sts:AssumeRole",
            [f"arn:aws:iam::{acct}:role/ops-*", f"arn:aws:iam::{acct}:role/admin-*"],
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        ),
    )
    for name in USER_NAMES[:USERS_PER_ACCOUNT]:
        user_inline: list[Json] = [self_service]
        if rng.random() < 0.5:
            user_inline.append(rng.choice(inline_bank(info, layout, rng)))
        account.create_user(
            name,
            groups=rng.sample(list(groups), rng.randint(1, 2)),
            policies=user_inline,
            managed_policies=[shared["S3AppReadOnly"]] if rng.random() < 0.3 else [],
            boundary=shared["AppBoundary"] if rng.random() < 0.2 else None,
            tags={"team": info.team, "department": rng.choice(["eng", "ops", "sec"])},
            mfa=rng.random() < 0.5,
        )
        layout.documents += len(user_inline)
        info.users.append(name)

    for purpose in BUCKET_PURPOSES:
        bucket = f"acme-{acct}-{purpose}"
        account.add_resource(
            f"arn:aws:s3:::{bucket}",
            policy=bucket_policy(bucket, info, layout, rng),
            tags={"team": info.team, "purpose": purpose},
        )
        layout.documents += 1
        info.buckets.append(bucket)
    for queue_name in QUEUE_NAMES:
        queue = f"arn:aws:sqs:{rng.choice(ALLOWED_REGIONS)}:{acct}:app-{queue_name}"
        account.add_resource(
            queue, policy=queue_policy(queue, info, layout, rng), tags={"team": info.team}
        )
        layout.documents += 1
        info.queues.append(queue)
    for k in range(6):
        key_id = f"{seed:08x}-{k:04x}-4000-8000-{rng.getrandbits(48):012x}"
        key = f"arn:aws:kms:{rng.choice(ALLOWED_REGIONS)}:{acct}:key/{key_id}"
        account.add_resource(key, policy=key_policy(info, layout, rng), tags={"team": info.team})
        layout.documents += 1
        info.keys.append(key)


def build_world(scale: float) -> tuple[iamsim.World, Layout]:
    rng = random.Random(SEED)
    layout = make_layout(max(4, round(MEMBER_ACCOUNTS * scale)), rng)
    world = iamsim.World(now=NOW)
    for name, (path, document) in AWS_MANAGED.items():
        world.add_aws_managed_policy(name, document, path=path)
    org = world.create_organization(MANAGEMENT, org_id=ORG_ID, alias="acme-management")
    org.root.attach_scp(scp_deny_leave(), name="DenyLeaveOrganization")
    org.root.attach_rcp(rcp_org_perimeter(), name="OrgDataPerimeter")
    ous = {
        "infra": org.create_ou("Infrastructure"),
        "prod": org.create_ou("Workloads-Prod"),
        "dev": org.create_ou("Workloads-Dev"),
    }
    ous["prod"].attach_scp(scp_region_deny_list(), name="RegionDenyList")
    ous["dev"].attach_scp("RegionDenyList")
    ous["prod"].attach_scp(scp_protect_prod(), name="ProtectProduction")
    ous["dev"].attach_scp(scp_dev_guardrails(), name="DevGuardrails")
    layout.documents += 5
    for i, info in enumerate(layout.accounts.values()):
        if info.id == MANAGEMENT:
            account = world.account(MANAGEMENT)
        elif info.ou == "external":
            account = world.create_account(info.id)
        else:
            account = world.create_account(info.id, ou=ous[info.ou])
        build_account(world, account, info, layout, SEED + i)
    return world, layout


# -- the workload


def request_context(rng: random.Random, region: str | None = None) -> dict[str, str]:
    if region is None:
        region = rng.choice(ALLOWED_REGIONS) if rng.random() < 0.9 else rng.choice(OTHER_REGIONS)
    ctx = {
        "aws:RequestedRegion": region,
        "aws:SecureTransport": "true" if rng.random() < 0.95 else "false",
        "aws:SourceIp": (
            f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            if rng.random() < 0.9
            else "203.0.113.9"
        ),
        "aws:ViaAWSService": "false",
    }
    if rng.random() < 0.3:
        ctx["aws:MultiFactorAuthPresent"] = "true"
    return ctx


def region_of(arn: str) -> str | None:
    region = arn.split(":")[3]
    return region or None


def make_request(
    caller: str, info: AccountInfo, target: AccountInfo, rng: random.Random
) -> tuple[str, str, dict[str, str]]:
    """One (action, resource, context) from ``caller`` (a name in ``info``) against ``target``."""
    t = target.id
    roll = rng.random()
    if roll < 0.30:  # S3
        bucket = rng.choice(target.buckets)
        action = rng.choice(
            ["s3:GetObject", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]
        )
        if action == "s3:ListBucket":
            res = f"arn:aws:s3:::{bucket}"
        else:
            prefix = rng.choice([info.team, "artifacts", "shared", target.team])
            res = f"arn:aws:s3:::{bucket}/{prefix}/obj-{rng.randrange(1000)}.json"
        return action, res, request_context(rng)
    if roll < 0.42:  # SQS
        queue = rng.choice(target.queues)
        action = rng.choice(
            ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:DeleteQueue"]
        )
        return action, queue, request_context(rng, region_of(queue))
    if roll < 0.52:  # KMS
        key = rng.choice(target.keys)
        action = rng.choice(
            ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ScheduleKeyDeletion"]
        )
        ctx = request_context(rng, region_of(key))
        if rng.random() < 0.5:
            ctx["kms:ViaService"] = f"s3.{region_of(key)}.amazonaws.com"
        return action, key, ctx
    if roll < 0.66:  # sts:AssumeRole on a role (its trust policy is the resource policy)
        kind = rng.choice(["ci-deploy", "audit", "ops", "data", "readonly", "admin"])
        for tool, assumes in ASSUMES.items():  # tooling roles mostly assume what they are for
            if caller.startswith(tool) and rng.random() < 0.7:
                kind = assumes
        role = rng.choice(target.roles[kind])
        ctx = request_context(rng, "us-east-1")
        if kind in ("ci-deploy", "data") and rng.random() < 0.8:
            good = f"ext-{t}" if kind == "ci-deploy" else f"data-{t}"
            ctx["sts:ExternalId"] = good if rng.random() < 0.85 else "wrong-id"
        return "sts:AssumeRole", f"arn:aws:iam::{t}:role/{role}", ctx
    if roll < 0.76:  # DynamoDB tables the world does not hold
        region = rng.choice(ALLOWED_REGIONS) if rng.random() < 0.9 else rng.choice(OTHER_REGIONS)
        table = rng.choice([f"app-{rng.randrange(20)}", f"{info.team}-{rng.randrange(5)}"])
        action = rng.choice(
            ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteTable"]
        )
        return action, f"arn:aws:dynamodb:{region}:{t}:table/{table}", request_context(rng, region)
    if roll < 0.84:  # EC2
        region = rng.choice(ALLOWED_REGIONS) if rng.random() < 0.9 else rng.choice(OTHER_REGIONS)
        action = rng.choice(
            ["ec2:DescribeInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:RunInstances"]
        )
        res = (
            "*"
            if action == "ec2:DescribeInstances"
            else f"arn:aws:ec2:{region}:{t}:instance/i-{rng.getrandbits(60):015x}"
        )
        ctx = request_context(rng, region)
        if action == "ec2:RunInstances":
            ctx["ec2:InstanceType"] = rng.choice(["t3.micro", "m5.large", "t4g.small"])
        return action, res, ctx
    if roll < 0.92:  # IAM on the own account
        action = rng.choice(
            ["iam:ListRoles", "iam:GetRole", "iam:PutRolePolicy", "iam:CreateUser", "iam:PassRole"]
        )
        res = "*" if action == "iam:ListRoles" else f"arn:aws:iam::{t}:role/app-{rng.randrange(12)}"
        return action, res, request_context(rng, "us-east-1")
    action = rng.choice(  # logs, secrets, guard-railed actions
        [
            "logs:PutLogEvents",
            "secretsmanager:GetSecretValue",
            "cloudtrail:StopLogging",
            "organizations:LeaveOrganization",
        ]
    )
    region = rng.choice(ALLOWED_REGIONS)
    resources = {
        "logs:PutLogEvents": f"arn:aws:logs:{region}:{t}:log-group:/app/{info.team}:log-stream:s1",
        "secretsmanager:GetSecretValue": (
            f"arn:aws:secretsmanager:{region}:{t}:secret:{info.team}/db-AbCdEf"
        ),
        "cloudtrail:StopLogging": f"arn:aws:cloudtrail:{region}:{t}:trail/org-trail",
        "organizations:LeaveOrganization": "*",
    }
    return action, resources[action], request_context(rng, region)


def handle(
    world: iamsim.World, account: str, name: str, is_user: bool
) -> iamsim.User | iamsim.Role:
    acct = world.account(account)
    return acct.user(name) if is_user else acct.role(name)


def pick_principals(
    world: iamsim.World, layout: Layout, n: int, rng: random.Random, *, tooling_first: bool
) -> list[tuple[iamsim.User | iamsim.Role, AccountInfo]]:
    """``n`` distinct principals: the tooling roles first (hot set), then spread over accounts."""
    chosen: list[tuple[iamsim.User | iamsim.Role, AccountInfo]] = []
    seen: set[tuple[str, str]] = set()
    if tooling_first:
        for which, account in layout.tooling.items():
            for k in range(TOOLING_ROLE_COUNT):
                name = f"{TOOLING_ROLES[which]}-{k}"
                chosen.append((handle(world, account, name, False), layout.accounts[account]))
                seen.add((account, name))
    accounts = list(layout.accounts.values())
    while len(chosen) < n:
        info = rng.choice(accounts) if tooling_first else accounts[len(chosen) % len(accounts)]
        is_user = rng.random() < 0.25
        if is_user:
            name = rng.choice(info.users)
        else:
            name = rng.choice(info.roles[rng.choice([k for k, _ in ROLE_KINDS])])
        if (info.id, name) in seen:
            continue
        seen.add((info.id, name))
        chosen.append((handle(world, info.id, name, is_user), info))
    return chosen[:n]


def build_workload(world: iamsim.World, layout: Layout, n: int) -> tuple[list[Part], int]:
    """``n`` requests from the hot principals, and how many of them cross accounts."""
    rng = random.Random(SEED + 1)
    principals = pick_principals(world, layout, N_HOT_PRINCIPALS, rng, tooling_first=True)
    n_tooling = len(layout.tooling) * TOOLING_ROLE_COUNT  # pick_principals puts them first
    tooling = [layout.accounts[a] for a in layout.tooling.values()]
    members = [layout.accounts[a] for a in layout.members]
    external = [layout.accounts[a] for a in EXTERNAL]
    parts: list[Part] = []
    cross = 0
    for _ in range(n):
        index = rng.randrange(len(principals))
        principal, info = principals[index]
        if index < n_tooling:
            target = rng.choice(members)  # tooling roles work across the organization
        elif rng.random() < 0.65:
            target = info
        elif rng.random() < 0.9:
            target = rng.choice(tooling + rng.sample(members, 3))
        else:
            target = rng.choice(external)
        action, res, ctx = make_request(principal.name, info, target, rng)
        parts.append((principal, action, res, ctx))
        cross += target is not info
    return parts, cross


# -- measuring


def best_of(repeats: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        try:
            cpu = min(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {cpu})
        except OSError:
            return "not pinned"
        return f"pinned to CPU {cpu}"
    return "not pinned"


def maxrss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def world_counts(world: iamsim.World) -> Counter[str]:
    counts: Counter[str] = Counter()
    for account in world.accounts:
        counts["accounts"] += 1
        counts["roles"] += len(account.roles)
        counts["users"] += len(account.users)
        counts["groups"] += len(account.groups)
        counts["managed policies"] += len(account.policies)
        counts["resources"] += len(account.resources)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the number of member accounts"
    )
    parser.add_argument("-n", "--requests", type=int, default=N_REQUESTS)
    parser.add_argument("-r", "--repeats", type=int, default=REPEATS)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one cached pass, top 25 by tottime"
    )
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]} ({platform.python_implementation()}), {pin_one_core()}")
    gc.collect()
    rss_before = maxrss_mb()

    start = time.perf_counter()
    world, layout = build_world(args.scale)
    build_s = time.perf_counter() - start
    rss_after = maxrss_mb()

    counts = world_counts(world)
    print(
        f"world (scale {args.scale:g}): "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f"; {layout.documents:,} policy documents"
    )

    if not args.profile:
        # Peak of Python allocations while building, on a second identical world (tracing makes
        # building several times slower, so the timed build above runs untraced).
        gc.collect()
        tracemalloc.start()
        traced_world, _ = build_world(args.scale)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del traced_world
        gc.collect()
        # The build targets are for the standard world (scale 1); other scales show the growth.
        scale_one = args.scale == 1
        peak_mb = traced_peak / 2**20
        build_note = f", target < {TARGET_BUILD_S:g} s: {verdict(build_s < TARGET_BUILD_S)}"
        memory_note = f" (target < {TARGET_MEMORY_MB:g} MB: {verdict(peak_mb < TARGET_MEMORY_MB)})"
        print(
            f"build: {build_s:.2f} s ({build_s / counts['accounts'] * 1e3:.1f} ms/account"
            f"{build_note if scale_one else ''}); tracemalloc peak {peak_mb:,.0f} MB"
            f"{memory_note if scale_one else ''}; maxrss {rss_after:,.0f} MB "
            f"(+{rss_after - rss_before:,.0f} MB over {rss_before:,.0f} MB after imports)"
        )

        # Cold: the first request of principals nobody evaluated yet (one per account, round
        # robin), so their policies are gathered, compiled and put in a new policy set.
        rng = random.Random(SEED + 2)
        cold = pick_principals(world, layout, N_COLD_PRINCIPALS, rng, tooling_first=False)
        times = []
        for principal, info in cold:
            action, res, ctx = make_request(principal.name, info, info, rng)
            start = time.perf_counter()
            iamsim.evaluate(principal, action, res, ctx)
            times.append(time.perf_counter() - start)
        times_ms = sorted(t * 1e3 for t in times)
        print(
            f"cold first evaluate ({len(times)} principals): "
            f"mean {statistics.fmean(times_ms):.2f} ms, "
            f"median {statistics.median(times_ms):.2f} ms, "
            f"p95 {times_ms[int(len(times_ms) * 0.95) - 1]:.2f} ms, max {times_ms[-1]:.2f} ms"
        )

    parts, cross = build_workload(world, layout, args.requests)
    evaluate = iamsim.evaluate

    # The first pass gathers the hot principals and builds a policy set per (principal, resource).
    start = time.perf_counter()
    outcomes = Counter(str(evaluate(p, a, r, c).outcome) for p, a, r, c in parts)
    first_s = time.perf_counter() - start

    def cached_pass() -> None:
        for principal, action, res, ctx in parts:
            evaluate(principal, action, res, ctx)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        cached_pass()
        profiler.disable()
        print(f"\ncProfile, one cached pass over {len(parts):,} requests:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        return 0

    check = Counter(str(evaluate(p, a, r, c).outcome) for p, a, r, c in parts)
    if check != outcomes:
        raise SystemExit(f"cached decisions differ from the first pass: {outcomes} vs {check}")
    cached_s = best_of(args.repeats, cached_pass)
    n = len(parts)
    rate = n / cached_s
    print(
        f"workload: {n:,} requests, {len({id(p) for p, *_ in parts})} principals, "
        f"{len({a for _, a, _, _ in parts})} actions, {len({r for _, _, r, _ in parts}):,} "
        f"resources, {cross / n:.0%} cross-account"
    )
    print(
        "outcomes: "
        + ", ".join(f"{k}={outcomes[k]:,}" for k in ("allowed", "explicitDeny", "implicitDeny"))
    )
    print(
        f"{'first pass (fills policy-set caches)':<38} {n / first_s:>9,.0f} decisions/s  "
        f"{first_s / n * 1e6:7.2f} us/decision"
    )
    print(
        f"{'cached evaluate(principal, ...)':<38} {rate:>9,.0f} decisions/s  "
        f"{cached_s / n * 1e6:7.2f} us/decision  (best of {args.repeats}; target >= "
        f"{TARGET_RATE:,.0f}/s: {verdict(rate >= TARGET_RATE)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
