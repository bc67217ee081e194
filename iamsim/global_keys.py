"""The global condition keys (``aws:*``) and the cross-service keys, as one small table.

Each row names the key, its data type (the Service Authorization Reference's vocabulary:
``String``, ``ARN``, ``Bool``, ``Numeric``, ``Date``, ``IPAddress``), whether a request may carry
several values for it (a multivalued key, used with ``ForAllValues:`` / ``ForAnyValue:``), and
what it holds. Keys ending in ``/${TagKey}`` are prefix keys: ``aws:PrincipalTag/team`` is an
instance of ``aws:PrincipalTag/${TagKey}``. ``aws:EpochTime`` is a Date key that also works with
numeric operators (:attr:`GlobalKey.also`).

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
(the operators each key "works with", its data type and value type, and the cross-service keys
``ec2:SourceInstanceArn``, ``glue:RoleAssumedBy``, ``lambda:SourceFunctionArn``... that the page
lists as available in every service's request context).

>>> global_key("aws:PrincipalTag/team").key
'aws:PrincipalTag/${TagKey}'
>>> global_key("AWS:SourceIp").type
'IPAddress'
>>> global_key("aws:NoSuchKey") is None
True
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import attrs

__all__ = ["GLOBAL_KEYS", "SOURCE", "GlobalKey", "global_key"]

SOURCE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"


@attrs.frozen
class GlobalKey:
    """One global or cross-service condition key."""

    key: str
    type: str  # String, ARN, Bool, Numeric, Date, IPAddress
    multivalued: bool
    description: str
    also: tuple[str, ...] = ()  # further types whose operators work (aws:EpochTime: Numeric)

    @property
    def type_name(self) -> str:
        """The type as the Service Authorization Reference writes it (``ArrayOfString``...)."""
        return f"ArrayOf{self.type}" if self.multivalued else self.type

    @property
    def is_prefix(self) -> bool:
        """Whether the key takes a suffix (``aws:RequestTag/${TagKey}``)."""
        return "${" in self.key


def _k(key: str, type_: str, description: str, *, multi: bool = False) -> GlobalKey:
    return GlobalKey(key, type_, multi, description)


_S, _ARN, _B, _N, _D, _IP = "String", "ARN", "Bool", "Numeric", "Date", "IPAddress"

_TABLE = (
    # properties of the principal
    _k("aws:PrincipalArn", _ARN, "ARN of the calling principal (the role, for a role session)"),
    _k("aws:PrincipalAccount", _S, "account ID of the calling principal"),
    _k("aws:PrincipalOrgPaths", _S, "Organizations paths of the principal's account", multi=True),
    _k("aws:PrincipalOrgID", _S, "organization ID of the principal's account"),
    _k("aws:PrincipalTag/${TagKey}", _S, "a tag on the principal (user, role or session tag)"),
    _k("aws:PrincipalIsAWSService", _B, "whether an AWS service principal makes the call"),
    _k("aws:PrincipalServiceName", _S, "the service principal making the call"),
    _k("aws:PrincipalServiceNamesList", _S, "all names of the calling service", multi=True),
    _k("aws:PrincipalType", _S, "Account, User, FederatedUser, AssumedRole or Anonymous"),
    _k("aws:userid", _S, "the principal's unique ID (role ID:session name for roles)"),
    _k("aws:username", _S, "the IAM user's friendly name"),
    # properties of the role session
    _k("aws:AssumedRoot", _B, "whether the credentials come from sts:AssumeRoot"),
    _k("aws:FederatedProvider", _S, "the identity provider of a federated principal"),
    _k("aws:TokenIssueTime", _D, "when the temporary credentials were issued"),
    _k("aws:MultiFactorAuthAge", _N, "seconds since the principal authenticated with MFA"),
    _k("aws:MultiFactorAuthPresent", _B, "whether the temporary credentials were issued with MFA"),
    _k("aws:ChatbotSourceArn", _ARN, "the chat channel of an AWS Chatbot session"),
    _k("aws:Ec2InstanceSourceVpc", _S, "the VPC where an EC2 role's credentials were delivered"),
    _k("aws:Ec2InstanceSourcePrivateIPv4", _IP, "private IPv4 address of that EC2 instance"),
    _k("aws:SourceIdentity", _S, "the source identity set on the role session"),
    _k("ec2:RoleDelivery", _N, "instance metadata service version that delivered the credentials"),
    _k("ec2:SourceInstanceArn", _ARN, "the EC2 instance whose role credentials make the call"),
    _k("glue:RoleAssumedBy", _S, "the AWS Glue service that assumed the role"),
    _k("glue:CredentialIssuingService", _S, "the AWS Glue service that issued the credentials"),
    _k("lambda:SourceFunctionArn", _ARN, "the Lambda function whose execution role makes the call"),
    _k("ssm:SourceInstanceArn", _ARN, "the Systems Manager managed instance making the call"),
    _k("identitystore:UserId", _S, "the Identity Center user of an identity-enhanced session"),
    # properties of the network
    _k("aws:SourceIp", _IP, "the requester's public IP address"),
    _k("aws:SourceVpc", _S, "the VPC of the VPC endpoint the request came through"),
    _k("aws:SourceVpcArn", _ARN, "the ARN of that VPC"),
    _k("aws:SourceVpce", _S, "the VPC endpoint the request came through"),
    _k("aws:VpceAccount", _S, "the account that owns the VPC endpoint"),
    _k("aws:VpceOrgPaths", _S, "Organizations paths of the VPC endpoint's account", multi=True),
    _k("aws:VpceOrgID", _S, "organization ID of the VPC endpoint's account"),
    _k("aws:VpcSourceIp", _IP, "the requester's IP address inside the VPC"),
    # properties of the resource
    _k("aws:ResourceAccount", _S, "account ID of the resource owner"),
    _k("aws:ResourceOrgPaths", _S, "Organizations paths of the resource's account", multi=True),
    _k("aws:ResourceOrgID", _S, "organization ID of the resource's account"),
    _k("aws:ResourceTag/${TagKey}", _S, "a tag attached to the resource"),
    # properties of the request
    _k("aws:CalledVia", _S, "services that called on the principal's behalf, in order", multi=True),
    _k("aws:CalledViaFirst", _S, "the first service in that chain"),
    _k("aws:CalledViaLast", _S, "the last service in that chain"),
    _k("aws:ViaAWSService", _B, "whether a service calls with the principal's credentials"),
    _k("aws:CurrentTime", _D, "the date and time of the request"),
    GlobalKey("aws:EpochTime", _D, False, "the time of the request in epoch seconds", (_N,)),
    _k("aws:referer", _S, "the HTTP Referer header (caller-supplied)"),
    _k("aws:RequestedRegion", _S, "the Region the request was sent to"),
    _k("aws:RequestTag/${TagKey}", _S, "a tag passed in the request"),
    _k("aws:TagKeys", _S, "the tag keys passed in the request", multi=True),
    _k("aws:SecureTransport", _B, "whether the request was sent over TLS"),
    _k("aws:SourceAccount", _S, "account of the resource that makes a service-to-service call"),
    _k("aws:SourceArn", _ARN, "ARN of the resource that makes a service-to-service call"),
    _k("aws:SourceOrgID", _S, "organization ID of that resource's account"),
    _k("aws:SourceOrgPaths", _S, "Organizations paths of that resource's account", multi=True),
    _k("aws:UserAgent", _S, "the HTTP User-Agent header (caller-supplied)"),
)

#: Every global and cross-service key by its lower-cased name (prefix keys by their template).
GLOBAL_KEYS: Mapping[str, GlobalKey] = MappingProxyType({k.key.lower(): k for k in _TABLE})

_PREFIXES = tuple(
    (k.key.lower().split("${", 1)[0], k) for k in _TABLE if k.is_prefix
)  # ("aws:principaltag/", row)


def global_key(name: str) -> GlobalKey | None:
    """The row for a global or cross-service key as written in a policy (any case), or None.

    ``aws:RequestTag/CostCenter`` resolves to ``aws:RequestTag/${TagKey}``; the bare prefix
    ``aws:RequestTag`` (no tag key) resolves to nothing.
    """
    lowered = name.lower()
    row = GLOBAL_KEYS.get(lowered)
    if row is not None:
        return row
    for prefix, prefixed in _PREFIXES:
        if lowered.startswith(prefix) and len(lowered) > len(prefix):
            return prefixed
    return None
