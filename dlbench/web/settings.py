"""What one dashboard server serves, and to whom (a frozen value passed to ``create_app``)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

#: names under which a loopback server is reached from the same machine
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LANGUAGES = ("en", "ja")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebSettings:
    """:param db_url: the results database (``None``: ``$DLBENCH_DB`` or the default file).
    :param quiz_db_url: the learner's quiz database (``None``: the quiz pages say so).
    :param lang: the language when neither ``?lang=``, the cookie nor the browser asks.
    :param host: / :param port: where the server listens.
    :param allowed_hosts: extra ``Host`` header names accepted besides the loopback names
        and ``host`` itself (a reverse proxy's name, say).
    """

    db_url: str | None = None
    quiz_db_url: str | None = None
    lang: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allowed_hosts: tuple[str, ...] = ()

    def host_allow_list(self) -> list[str]:
        """Every ``Host`` name the server answers to: a request naming any other host
        (DNS rebinding: a foreign page resolving its own name to 127.0.0.1) gets 400."""
        names = list(LOOPBACK_NAMES)
        if self.host not in ("0.0.0.0", "::", ""):
            names.append(self.host)
        names.extend(self.allowed_hosts)
        return list(dict.fromkeys(names))
