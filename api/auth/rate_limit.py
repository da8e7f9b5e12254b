"""Limits for machine clients: an API token may send so many requests a minute (its own limit
or ERHVERV_TOKEN_REQUESTS_PER_MINUTE); more are answered 429 with Retry-After. Staff logins are
not limited.

Counted by `limits` (a sliding window) in this process's memory: nothing is written per request,
and a busy database does not slow the count. With several worker processes each counts alone,
so a client spread over N workers may send up to N times the limit; the limit guards the
service against a runaway client, it is not a quota.
"""

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter


class TokenLimiter:
    def __init__(self) -> None:
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    def wait(self, token_id: int, per_minute: int) -> int:
        """Count a request of the token: 0 if allowed, else the seconds until one would be."""
        item = RateLimitItemPerMinute(per_minute)
        if self._limiter.hit(item, "token", str(token_id)):
            return 0
        reset = self._limiter.get_window_stats(item, "token", str(token_id)).reset_time
        return max(1, math.ceil(reset - time.time()))
