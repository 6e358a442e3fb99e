"""Password hashing: argon2id (argon2-cffi) with OWASP's parameters, off the event loop.

The parameters are a :class:`PasswordHashing` value in :class:`core.plumbing.settings.Settings`; there is no
environment variable that weakens them. Hashes made before argon2 (``scrypt$…``) still verify and are
replaced at the next successful login (:meth:`PasswordHashing.needs_rehash`).

Hashing costs ~50 ms of CPU and 19 MiB of memory: :func:`hash_async` and :func:`verify_async` run it
in worker threads, at most :data:`MAX_PARALLEL_HASHES` at a time per event loop, so a burst of logins
neither blocks other requests nor takes the process's memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import weakref
from asyncio import AbstractEventLoop, get_running_loop
from dataclasses import dataclass
from functools import cached_property

import anyio
import anyio.to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MAX_PARALLEL_HASHES = 2


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id parameters. The defaults are OWASP's (Password Storage Cheat Sheet): 19 MiB of
    memory, 2 iterations, 1 lane."""

    time_cost: int = 2
    memory_cost: int = 19456  # KiB
    parallelism: int = 1

    @cached_property
    def _hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_cost, parallelism=self.parallelism, type=Type.ID
        )

    def hash(self, password: str) -> str:
        """``$argon2id$v=19$m=…,t=…,p=…$salt$digest`` (the parameters travel with the hash)."""
        return self._hasher.hash(password)

    def verify(self, password: str, encoded: str) -> bool:
        """True when ``password`` matches ``encoded`` (argon2, or a legacy scrypt hash)."""
        if encoded.startswith("scrypt$"):
            return _verify_scrypt(password, encoded)
        try:
            return self._hasher.verify(encoded, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError, ValueError):
            return False

    def needs_rehash(self, encoded: str) -> bool:
        """True for a legacy hash or an argon2 hash made with other parameters than these."""
        if not encoded.startswith("$argon2id$"):
            return True
        try:
            return self._hasher.check_needs_rehash(encoded)
        except (InvalidHashError, ValueError):
            return True


def _verify_scrypt(password: str, encoded: str) -> bool:
    """The hashes GovHall wrote before argon2: ``scrypt$N$r$p$salt$digest`` (base64)."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected),
            maxmem=2**27,
        )
    except (ValueError, TypeError, MemoryError):
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


_limiters: weakref.WeakKeyDictionary[AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> anyio.CapacityLimiter:
    loop = get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(MAX_PARALLEL_HASHES)
    return limiter


async def hash_async(hashing: PasswordHashing, password: str) -> str:
    return await anyio.to_thread.run_sync(hashing.hash, password, limiter=_limiter())


async def verify_async(hashing: PasswordHashing, password: str, encoded: str) -> bool:
    return await anyio.to_thread.run_sync(hashing.verify, password, encoded, limiter=_limiter())
