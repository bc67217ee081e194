"""Notebook views: every object a notebook shows renders HTML and Markdown, escaped."""

from __future__ import annotations

from datetime import UTC, datetime

import iamsim

EVIL = "<script>x</script>"


def world() -> iamsim.World:
    world = iamsim.World(now=datetime(2026, 1, 1, tzinfo=UTC))
    dev = world.create_account("111111111111", alias="dev")
    prod = world.create_account("222222222222")
    dev.create_user(
        "alice",
        mfa=True,
        tags={"note": EVIL},
        policies={
            "a": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
            }
        },
    )
    prod.create_role(
        "Target",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "111111111111"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    return world


def test_every_view_renders_and_escapes() -> None:
    w = world()
    alice = w.account("dev").user("alice")
    role = w.account("222222222222").role("Target")
    session = iamsim.assume_role(alice, role.arn, session_name="alice")
    user_session = iamsim.get_session_token(alice)
    decision = iamsim.evaluate(session, "s3:GetObject", "arn:aws:s3:::b/k")
    objects = [
        w,
        w.account("dev"),
        alice,
        role,
        session,
        user_session,
        role.trust_policy,
        w.events,
        decision,
        w.access_graph(),
    ]
    for obj in objects:
        html = obj._repr_html_()
        assert html.lstrip().startswith("<")
        assert EVIL not in html
        markdown = getattr(obj, "_repr_markdown_", None)
        if markdown is not None:
            assert markdown()
    assert "&lt;script&gt;" in alice._repr_html_()
    assert "<svg" in w.access_graph()._repr_html_()
    assert "| AssumeRole |" in w.events._repr_markdown_()
    assert "| 111111111111 | dev |" in w._repr_markdown_()
