"""Benchmark: decisions per second on iamsim's compiled evaluation path.

The standard workload: one caller (``user/alice``) with 5 identity policies of 5 statements each
(wildcard actions and resources, 2 conditions per statement, some Deny statements) plus an S3
bucket policy, deciding 10,000 requests over ~40 actions and many resource ARNs.

Two figures are reported:

* **compiled path**: ``PolicySet.evaluate(request)`` on ``iamsim.Request`` objects built in
  advance (the PolicySet and the requests are built outside the timing);
* **with Request.build**: ``PolicySet.evaluate(principal, action, resource, context=...)``, what
  a caller who passes the parts pays.

Run ``.venv/bin/python benchmarks/bench_engine.py`` (``--profile`` for a cProfile of one pass).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import iamsim

SEED = 20240601
N_REQUESTS = 10_000
REPEATS = 5
COMPILE_REPEATS = 20
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
CALLER = f"arn:aws:iam::{ACCOUNT}:user/alice"

Json = dict[str, Any]
Part = tuple[str, str, dict[str, Any]]


# -- policies


def _stmt(
    effect: str,
    action: str | list[str],
    resource: str | list[str],
    condition: Json,
    sid: str,
) -> Json:
    return {
        "Sid": sid,
        "Effect": effect,
        "Action": action,
        "Resource": resource,
        "Condition": condition,
    }


def identity_policies() -> list[Json]:
    """5 policies x 5 statements, each statement with 2 conditions; some Denies."""
    team_eng = {"StringEquals": {"aws:PrincipalTag/team": "engineering"}}
    secure = {"Bool": {"aws:SecureTransport": "true"}}
    office_ip = {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}
    before_2030 = {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    regions = {"StringLike": {"aws:RequestedRegion": ["us-*", "eu-west-?"]}}
    fresh_mfa = {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}

    def both(a: Json, b: Json) -> Json:
        merged: Json = {}
        for part in (a, b):
            for op, body in part.items():
                merged.setdefault(op, {}).update(body)
        return merged

    docs: list[list[Json]] = [
        [  # S3 read/write
            _stmt("Allow", "s3:Get*", "arn:aws:s3:::bucket-*/*", both(team_eng, secure), "S3Get"),
            _stmt(
                "Allow",
                ["s3:List*", "s3:GetBucket*"],
                "arn:aws:s3:::bucket-*",
                both(secure, before_2030),
                "S3List",
            ),
            _stmt(
                "Allow",
                "s3:Put*",
                "arn:aws:s3:::bucket-*/uploads/*",
                both(office_ip, team_eng),
                "S3Put",
            ),
            _stmt(
                "Deny",
                "s3:Delete*",
                "arn:aws:s3:::bucket-*/*",
                both({"StringLike": {"aws:PrincipalTag/team": "*"}}, before_2030),
                "S3NoDelete",
            ),
            _stmt(
                "Allow",
                "s3:*Tagging",
                "arn:aws:s3:::bucket-?-logs/*",
                both(fresh_mfa, secure),
                "S3Tagging",
            ),
        ],
        [  # EC2
            _stmt("Allow", "ec2:Describe*", "*", both(regions, before_2030), "Ec2Describe"),
            _stmt(
                "Allow",
                ["ec2:StartInstances", "ec2:StopInstances"],
                f"arn:aws:ec2:*:{ACCOUNT}:instance/*",
                both(team_eng, fresh_mfa),
                "Ec2StartStop",
            ),
            _stmt(
                "Deny",
                "ec2:TerminateInstances",
                "*",
                both({"Bool": {"aws:SecureTransport": "true"}}, regions),
                "Ec2NoTerminate",
            ),
            _stmt(
                "Allow",
                "ec2:*Tags",
                f"arn:aws:ec2:us-*:{ACCOUNT}:*/*",
                both(office_ip, secure),
                "Ec2Tags",
            ),
            _stmt(
                "Deny",
                "ec2:Run*",
                f"arn:aws:ec2:*:{ACCOUNT}:instance/*",
                both(
                    {"StringNotEquals": {"aws:PrincipalTag/team": "platform"}},
                    {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
                ),
                "Ec2NoRun",
            ),
        ],
        [  # DynamoDB
            _stmt(
                "Allow",
                "dynamodb:*Item",
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/app-*",
                both(team_eng, secure),
                "DdbItems",
            ),
            _stmt(
                "Allow",
                ["dynamodb:Query", "dynamodb:Scan"],
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/app-*/index/*",
                both(regions, before_2030),
                "DdbQuery",
            ),
            _stmt(
                "Allow",
                "dynamodb:Describe*",
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/*",
                both(office_ip, fresh_mfa),
                "DdbDescribe",
            ),
            _stmt(
                "Deny",
                "dynamodb:DeleteItem",
                f"arn:aws:dynamodb:*:{ACCOUNT}:table/app-prod-*",
                both({"StringNotLike": {"aws:PrincipalTag/team": "dba*"}}, secure),
                "DdbNoProdDelete",
            ),
            _stmt(
                "Allow",
                "dynamodb:Batch*",
                f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/app-*",
                both(team_eng, office_ip),
                "DdbBatch",
            ),
        ],
        [  # IAM
            _stmt(
                "Allow",
                "iam:List*",
                "*",
                both(secure, {"NumericLessThan": {"aws:MultiFactorAuthAge": "86400"}}),
                "IamList",
            ),
            _stmt(
                "Allow",
                "iam:Get*",
                f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}",
                both(before_2030, secure),
                "IamGetSelf",
            ),
            _stmt(
                "Allow",
                ["iam:ChangePassword", "iam:*AccessKey*"],
                f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}",
                both(fresh_mfa, office_ip),
                "IamSelfService",
            ),
            _stmt(
                "Deny",
                ["iam:Create*", "iam:Delete*"],
                f"arn:aws:iam::{ACCOUNT}:role/*",
                both({"StringLike": {"aws:PrincipalTag/team": "*"}}, before_2030),
                "IamNoRoles",
            ),
            _stmt(
                "Allow",
                "iam:PassRole",
                f"arn:aws:iam::{ACCOUNT}:role/app-*",
                both(team_eng, regions),
                "IamPassRole",
            ),
        ],
        [  # SQS / SNS / logs
            _stmt(
                "Allow",
                "sqs:Send*",
                f"arn:aws:sqs:*:{ACCOUNT}:queue-*",
                both(team_eng, secure),
                "SqsSend",
            ),
            _stmt(
                "Allow",
                ["sqs:ReceiveMessage", "sqs:DeleteMessage*", "sqs:GetQueue*"],
                f"arn:aws:sqs:us-*:{ACCOUNT}:queue-*",
                both(office_ip, before_2030),
                "SqsConsume",
            ),
            _stmt(
                "Allow",
                "sns:Publish",
                f"arn:aws:sns:*:{ACCOUNT}:topic-*",
                both(regions, secure),
                "SnsPublish",
            ),
            _stmt(
                "Allow",
                ["logs:Put*", "logs:Create*"],
                f"arn:aws:logs:*:{ACCOUNT}:log-group:/app/*",
                both(fresh_mfa, team_eng),
                "Logs",
            ),
            _stmt(
                "Deny",
                "sqs:*Queue",
                f"arn:aws:sqs:*:{ACCOUNT}:queue-prod-*",
                both({"Bool": {"aws:SecureTransport": "false"}}, before_2030),
                "SqsNoProdAdmin",
            ),
        ],
    ]
    return [{"Version": "2012-10-17", "Statement": statements} for statements in docs]


def bucket_policy() -> Json:
    """An S3 bucket policy: one grant to the account, one to alice, one Deny."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountRead",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::bucket-*", "arn:aws:s3:::bucket-*/*"],
            },
            {
                "Sid": "AliceWrite",
                "Effect": "Allow",
                "Principal": {"AWS": CALLER},
                "Action": ["s3:PutObject", "s3:PutObjectTagging"],
                "Resource": "arn:aws:s3:::bucket-*/shared/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
            {
                "Sid": "DenyInsecure",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": "arn:aws:s3:::bucket-*/*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }


def build_policy_set() -> iamsim.PolicySet:
    return iamsim.PolicySet(identity=identity_policies(), resource=bucket_policy())


# -- requests

ACTIONS: list[str] = [
    # s3
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:PutObject",
    "s3:PutObjectTagging",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetBucketPolicy",
    "s3:CreateBucket",
    # ec2
    "ec2:DescribeInstances",
    "ec2:DescribeVolumes",
    "ec2:StartInstances",
    "ec2:StopInstances",
    "ec2:TerminateInstances",
    "ec2:CreateTags",
    "ec2:RunInstances",
    # dynamodb
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:DescribeTable",
    "dynamodb:BatchGetItem",
    "dynamodb:CreateTable",
    # iam
    "iam:ListUsers",
    "iam:ListRoles",
    "iam:GetUser",
    "iam:CreateAccessKey",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:PassRole",
    "iam:AttachUserPolicy",
    # sqs / sns / logs / others
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "sqs:DeleteQueue",
    "sqs:GetQueueUrl",
    "sns:Publish",
    "logs:PutLogEvents",
    "lambda:InvokeFunction",
    "kms:Decrypt",
]

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]


def _resource_for(action: str, rng: random.Random) -> str:
    service = action.partition(":")[0]
    region = rng.choice(REGIONS)
    account = ACCOUNT if rng.random() < 0.95 else OTHER_ACCOUNT
    n = rng.randrange(200)
    if service == "s3":
        bucket = rng.choice([f"bucket-{n % 30}", f"bucket-{n % 10}-logs", f"other-{n % 20}"])
        if action in {"s3:ListBucket", "s3:GetBucketPolicy", "s3:CreateBucket"}:
            return f"arn:aws:s3:::{bucket}"
        prefix = rng.choice(["uploads", "shared", "data", "reports/2024"])
        return f"arn:aws:s3:::{bucket}/{prefix}/obj-{n}.json"
    if service == "ec2":
        if action.startswith("ec2:Describe"):
            return "*"
        return f"arn:aws:ec2:{region}:{account}:instance/i-{n:017x}"
    if service == "dynamodb":
        table = rng.choice([f"app-{n % 25}", f"app-prod-{n % 5}", f"billing-{n % 7}"])
        if action in {"dynamodb:Query", "dynamodb:Scan"} and rng.random() < 0.6:
            return f"arn:aws:dynamodb:{region}:{account}:table/{table}/index/by-{n % 4}"
        return f"arn:aws:dynamodb:{region}:{account}:table/{table}"
    if service == "iam":
        if action.startswith("iam:List"):
            return "*"
        if "Role" in action:
            return f"arn:aws:iam::{account}:role/{rng.choice(['app', 'ops', 'ci'])}-{n % 40}"
        return f"arn:aws:iam::{account}:user/{rng.choice(['alice', 'alice', 'bob', 'carol'])}"
    if service == "sqs":
        queue = rng.choice([f"queue-{n % 50}", f"queue-prod-{n % 5}", f"jobs-{n % 9}"])
        return f"arn:aws:sqs:{region}:{account}:{queue}"
    if service == "sns":
        return f"arn:aws:sns:{region}:{account}:{rng.choice(['topic', 'alerts'])}-{n % 30}"
    if service == "logs":
        group = rng.choice(["/app/web", "/app/worker", "/infra/vpc"])
        return f"arn:aws:logs:{region}:{account}:log-group:{group}-{n % 10}:log-stream:s{n}"
    if service == "lambda":
        return f"arn:aws:lambda:{region}:{account}:function:fn-{n % 60}"
    return f"arn:aws:kms:{region}:{account}:key/{n:08x}-0000-4000-8000-000000000000"


def _context(rng: random.Random) -> dict[str, Any]:
    """A context carrying the keys the conditions ask for, each sometimes absent."""
    ctx: dict[str, Any] = {"aws:username": "alice"}
    candidates: list[tuple[str, float, Callable[[], Any]]] = [
        (
            "aws:PrincipalTag/team",
            0.9,
            lambda: rng.choice(["engineering", "engineering", "platform", "dba-core"]),
        ),
        (
            "aws:SourceIp",
            0.9,
            lambda: rng.choice(
                [f"10.{rng.randrange(256)}.{rng.randrange(256)}.7", "192.0.2.44", "203.0.113.9"]
            ),
        ),
        (
            "aws:CurrentTime",
            0.95,
            lambda: f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T12:00:00Z",
        ),
        ("aws:SecureTransport", 0.9, lambda: rng.random() < 0.9),
        ("aws:RequestedRegion", 0.85, lambda: rng.choice(REGIONS)),
        ("aws:MultiFactorAuthAge", 0.7, lambda: rng.randrange(0, 7200)),
    ]
    for key, presence, make in candidates:
        if rng.random() < presence:
            ctx[key] = make()
    return ctx


def build_workload(n: int, seed: int) -> list[Part]:
    rng = random.Random(seed)
    parts: list[Part] = []
    for _ in range(n):
        action = rng.choice(ACTIONS)
        parts.append((action, _resource_for(action, rng), _context(rng)))
    return parts


# -- timing


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("-n", "--requests", type=int, default=N_REQUESTS)
    parser.add_argument("-r", "--repeats", type=int, default=REPEATS)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one pass, top 25 by tottime"
    )
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]} ({platform.python_implementation()}), {pin_one_core()}")

    start = time.perf_counter()
    policy_set = build_policy_set()
    compile_cold_s = time.perf_counter() - start
    compile_s = best_of(COMPILE_REPEATS, build_policy_set)
    n_statements = sum(len(p.statements) for p in policy_set.identity)
    n_statements += len(policy_set.resource.statements) if policy_set.resource else 0

    parts = build_workload(args.requests, SEED)
    requests = [
        iamsim.Request.build(CALLER, action, resource, context=context)
        for action, resource, context in parts
    ]
    evaluate = policy_set.evaluate

    # The first pass fills the per-action statement index and the value-parsing caches.
    start = time.perf_counter()
    outcomes = Counter(str(evaluate(r).outcome) for r in requests)
    cold_s = time.perf_counter() - start
    # Both paths must agree, or the second figure measures something else.
    check = Counter(str(evaluate(CALLER, a, res, context=c).outcome) for a, res, c in parts)
    if check != outcomes:
        raise SystemExit(f"paths disagree: {outcomes} vs {check}")

    def compiled_pass() -> None:
        for request in requests:
            evaluate(request)

    def building_pass() -> None:
        for action, resource, context in parts:
            evaluate(CALLER, action, resource, context=context)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        compiled_pass()
        profiler.disable()
        print(f"\ncProfile, one compiled pass over {len(requests):,} requests:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        return 0

    compiled_s = best_of(args.repeats, compiled_pass)
    building_s = best_of(args.repeats, building_pass)
    n = len(requests)
    print(
        f"workload: {len(policy_set.identity)} identity policies + 1 bucket policy "
        f"({n_statements} statements), {n:,} requests, "
        f"{len({p[0] for p in parts})} actions, {len({p[1] for p in parts}):,} resources"
    )
    print(
        "outcomes: "
        + ", ".join(f"{k}={outcomes[k]:,}" for k in ("allowed", "explicitDeny", "implicitDeny"))
    )
    print(
        f"compile PolicySet (parse + compile): first {compile_cold_s * 1e3:.2f} ms, "
        f"best of {COMPILE_REPEATS} {compile_s * 1e3:.2f} ms"
    )
    print(
        f"{'first pass, cold caches (compiled)':<36} {n / cold_s:>10,.0f} decisions/s  "
        f"{cold_s / n * 1e6:6.2f} us/decision  (one pass)"
    )
    for label, seconds in (
        ("compiled path (pre-built Request)", compiled_s),
        ("evaluate(principal, action, ...)", building_s),
    ):
        print(
            f"{label:<36} {n / seconds:>10,.0f} decisions/s  "
            f"{seconds / n * 1e6:6.2f} us/decision  (best of {args.repeats})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
