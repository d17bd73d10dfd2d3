"""Prints a signed development token for a user: `make token USER=alice`.

The token is what an identity provider would issue: HS256 with the secret
the API verifies (JWT_SECRET, make run's development secret by default),
`sub` the user, `role` web_user, `exp` TOKEN_TTL_S from now (12 hours), and
`aud` when JWT_AUD is set. Send it as `Authorization: Bearer <token>`."""

from __future__ import annotations

import os
import sys
import time

import jwt


def main() -> int:
    if len(sys.argv) != 2 or not sys.argv[1]:
        print("usage: token.py USER", file=sys.stderr)
        return 2
    secret = os.environ.get("JWT_SECRET", "")
    if len(secret) < 32:
        print("token.py: JWT_SECRET must be at least 32 characters", file=sys.stderr)
        return 2
    ttl = os.environ.get("TOKEN_TTL_S", "43200")
    if not ttl.isdigit():
        print(f"token.py: TOKEN_TTL_S must be a number of seconds, not '{ttl}'", file=sys.stderr)
        return 2
    now = int(time.time())
    claims = {"sub": sys.argv[1], "role": "web_user", "iat": now, "exp": now + int(ttl)}
    if os.environ.get("JWT_AUD"):
        claims["aud"] = os.environ["JWT_AUD"]
    print(jwt.encode(claims, secret, algorithm="HS256"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
