"""Single sign-on (Streamlit's OIDC ``st.login``): an identity provider's claims mapped to an account by email.

The account (and so the role) is the one the organiser registered with that email; an unknown,
unverified or inactive email signs nobody in. Roles never come from the provider.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import Session, select

from judging.store.models import User


def normalised_email(value: object) -> str:
    return str(value or "").strip().lower()


def user_for_claims(session: Session, claims: Mapping[str, object]) -> User | None:
    """The active account whose email is the claims' verified email, or None.

    ``email_verified`` must not be false (providers that do not send it, such as some enterprise
    directories, vouch for their addresses); two accounts with the same email sign nobody in.
    """
    email = normalised_email(claims.get("email"))
    if not email or claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
        return None
    matches = list(session.exec(select(User).where(func.lower(func.trim(User.email)) == email)))
    if len(matches) != 1 or not matches[0].active:
        return None
    return matches[0]
