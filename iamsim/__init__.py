"""iamsim: simulate AWS IAM and STS authorization faithfully, fast, and readably.

>>> import iamsim
>>> decision = iamsim.simulate({
...     "policies": {"identity": [{"Version": "2012-10-17", "Statement": [
...         {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"}]}]},
...     "request": {"principal": "arn:aws:iam::111122223333:user/alice",
...                 "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q3.csv"},
... })
>>> bool(decision), str(decision.outcome)
(True, 'allowed')
"""

from iamsim.arn import Arn
from iamsim.compiled import PolicyType
from iamsim.console import (
    ConsoleSession,
    SwitchRoleLink,
    parse_switch_role_url,
    sign_in,
    switch_role_url,
)
from iamsim.decision import Decision, MatchedStatement, Outcome
from iamsim.engine import PolicySet
from iamsim.entities import Account, Group, ManagedPolicy, Resource, Role, User
from iamsim.errors import (
    AccessDenied,
    EntityAlreadyExists,
    IamSimError,
    NoSuchEntity,
    PolicyError,
    Problem,
    ValidationError,
)
from iamsim.evaluate import evaluate
from iamsim.loaders import LoadError, load_world
from iamsim.operators import OPERATORS
from iamsim.organization import Organization, OrganizationalUnit, OrganizationRoot, OrgPolicy
from iamsim.policy import Policy, PolicyKind, Statement
from iamsim.request import Request
from iamsim.simulate import simulate
from iamsim.sts import (
    Credentials,
    RoleSession,
    UserSession,
    assume_role,
    get_caller_identity,
    get_session_token,
)
from iamsim.world import World

__version__ = "0.1.0"

__all__ = [
    "OPERATORS",
    "AccessDenied",
    "Account",
    "Arn",
    "ConsoleSession",
    "Credentials",
    "Decision",
    "EntityAlreadyExists",
    "Group",
    "IamSimError",
    "LoadError",
    "ManagedPolicy",
    "MatchedStatement",
    "NoSuchEntity",
    "OrgPolicy",
    "Organization",
    "OrganizationRoot",
    "OrganizationalUnit",
    "Outcome",
    "Policy",
    "PolicyError",
    "PolicyKind",
    "PolicySet",
    "PolicyType",
    "Problem",
    "Request",
    "Resource",
    "Role",
    "RoleSession",
    "Statement",
    "SwitchRoleLink",
    "User",
    "UserSession",
    "ValidationError",
    "World",
    "assume_role",
    "evaluate",
    "get_caller_identity",
    "get_session_token",
    "load_world",
    "parse_switch_role_url",
    "sign_in",
    "simulate",
    "switch_role_url",
]
