"""Amazon Resource Names as immutable values.

``arn:partition:service:region:account-id:resource`` — the resource part may itself hold ``:`` and
``/``. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
"""

from __future__ import annotations

import re

import attrs

from iamsim.errors import ValidationError

__all__ = ["Arn", "ArnError", "is_account_id"]

_ACCOUNT_ID = re.compile(r"\d{12}")


def is_account_id(text: str) -> bool:
    """Whether ``text`` is a 12-digit AWS account ID."""
    return _ACCOUNT_ID.fullmatch(text) is not None


class ArnError(ValidationError):
    """Text that is not a well-formed ARN."""

    code = "InvalidInput"


@attrs.frozen
class Arn:
    """A parsed ARN; ``str(arn)`` gives back the canonical text.

    An immutable value, so ARNs can be compared, hashed and taken apart without string slicing.

    >>> arn = Arn.parse("arn:aws:iam::111122223333:role/ops/Admin")
    >>> arn.service, arn.account, arn.resource_type
    ('iam', '111122223333', 'role')
    >>> str(arn)
    'arn:aws:iam::111122223333:role/ops/Admin'
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn:
        """Parse ``text``; raise :class:`~iamsim.ValidationError` naming the bad part if it is not
        an ARN.

        >>> Arn.parse("arn:aws:s3:::reports/q3.csv").resource
        'reports/q3.csv'
        >>> try:
        ...     Arn.parse("arn:aws:s3")
        ... except ValidationError as e:
        ...     print(e.code)
        InvalidInput
        """
        if not isinstance(text, str):
            raise ArnError(f"an ARN must be a string, not {type(text).__name__}")
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            raise ArnError(
                f"`{text}` is not an ARN: expected arn:partition:service:region:account:resource"
            )
        _, partition, service, region, account, resource = parts
        if not partition:
            raise ArnError(f"`{text}` is not an ARN: the partition is empty")
        if not service:
            raise ArnError(f"`{text}` is not an ARN: the service is empty")
        if not resource:
            raise ArnError(f"`{text}` is not an ARN: the resource part is empty")
        return cls(partition, service, region, account, resource)

    @property
    def resource_type(self) -> str:
        """The resource part up to its first ``/`` or ``:`` (``role`` in ``role/Admin``).

        >>> Arn.parse("arn:aws:iam::111122223333:user/eng/alice").resource_type
        'user'
        """
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]

    @property
    def resource_name(self) -> str:
        """The resource part after its type, or the whole part when it has no type.

        >>> Arn.parse("arn:aws:iam::111122223333:user/eng/alice").resource_name
        'eng/alice'
        >>> Arn.parse("arn:aws:s3:::reports").resource_name
        'reports'
        """
        pieces = re.split(r"[/:]", self.resource, maxsplit=1)
        return pieces[1] if len(pieces) == 2 else pieces[0]

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"
