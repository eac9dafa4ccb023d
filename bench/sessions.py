"""Sessions for the signed-in pages of `make bench` (the dashboards).

    python -m bench.sessions    # under the bench server's environment (bench/run.py)

Makes two users once, with unusable passwords, in the bench database only:
`bench-ministry` (ministry reviewer) and `bench-bappeda-63` (Bappeda officer of Kalimantan
Selatan), writes a fresh database session for each, signed with the server's SECRET_KEY
(so it must run with the server's environment), and prints their keys as JSON:
{"ministry": "<sessionid>", "bappeda": "<sessionid>"}. wrk then sends
`Cookie: sessionid=<key>`.
"""

from __future__ import annotations

import json
import os

USERS = {
    "ministry": ("bench-ministry", "ministry", None),
    "bappeda": ("bench-bappeda-63", "bappeda", "63"),
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jipp.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from jipp.models import Province, User

    keys = {}
    for persona, (username, role, code) in USERS.items():
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.org",
                "province": Province.objects.get(code=code) if code else None,
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[persona] = session.session_key
    print(json.dumps(keys))


if __name__ == "__main__":
    main()
