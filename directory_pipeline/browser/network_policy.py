"""What the browser may reach while it works for one directory: a pure decision.

Three questions, asked at two moments. Before a request leaves: is the scheme one we speak,
is the host the directory's own (or a subdomain of it), is the port the directory's? At
connect time, for every address the name resolved to just then: is it a public address (or,
for a local sandbox site, loopback)? Names are resolved per connection and never cached, so
a directory cannot answer with a public address first and a private one later.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from directory_pipeline.domain import DirectoryEntry
from directory_pipeline.domain.catalog import host_matches

# Ranges a directory page must never steer our browser into, beyond what `ipaddress` calls
# private: shared address space (CGNAT, RFC 6598) is not "private" to Python, and IPv4
# addresses embedded in IPv6 are checked as the IPv4 address they carry.
_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "ff00::/8",
    )
)
_LOOPBACK_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128"))
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_INERT_SCHEMES = {"data", "blob", "about"}


class Refusal(StrEnum):
    """Why a request was not allowed to leave the browser (or the guard's proxy)."""

    SCHEME = "scheme"  # file:, chrome:, ftp: ... never
    HOST = "host"  # not one of the directory's hosts
    PORT = "port"  # the directory's host, but not its port
    INTERNAL_ADDRESS = "internal-address"  # resolves to a private/loopback/CGNAT/ULA address
    UNRESOLVABLE = "unresolvable"


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _unwrap(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress._BaseAddress:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_internal_address(address: str) -> bool:
    """Whether an IP address is private, loopback, link-local, CGNAT, unique-local, multicast
    or reserved: anything but the public internet."""
    ip = _unwrap(ipaddress.ip_address(address.split("%", 1)[0]))
    return any(ip in network for network in _INTERNAL_NETWORKS)


def is_loopback_address(address: str) -> bool:
    ip = _unwrap(ipaddress.ip_address(address.split("%", 1)[0]))
    return any(ip in network for network in _LOOPBACK_NETWORKS)


@dataclass(frozen=True)
class NetworkPolicy:
    """The allow-list for one directory: its hosts, its ports, and whether it lives on
    loopback (a local sandbox site)."""

    hosts: tuple[str, ...]
    ports: frozenset[int]
    loopback_only: bool = False

    @classmethod
    def for_directory(cls, directory: DirectoryEntry) -> NetworkPolicy:
        parts = urlsplit(directory.submit_url)
        own_port = parts.port or _DEFAULT_PORTS[parts.scheme]
        ports = {own_port} if directory.sandbox else {own_port, 80, 443}
        return cls(tuple(directory.hosts), frozenset(ports), loopback_only=directory.sandbox)

    @classmethod
    def public_internet(cls) -> NetworkPolicy:
        """Any public host on the web ports: for fetching a customer's logo."""
        return cls(("*",), frozenset({80, 443}))

    def needs_checking(self) -> re.Pattern[str]:
        """URLs a browser-side guard must look at: every URL except those plainly allowed
        (a scheme we speak, one of the directory's hosts or a subdomain, an allowed port,
        nothing else before the path). It may match allowed URLs too (`check_url` decides
        those); it never leaves out one `check_url` refuses. Matched in Playwright's driver,
        so the directory's own subresources never make the trip to Python."""
        if self.hosts == ("*",):
            return re.compile("")
        host = "(?:[a-z0-9-]+\\.)*(?:" + "|".join(re.escape(h.lower()) for h in self.hosts) + ")"
        allowed = []
        for scheme, default in _DEFAULT_PORTS.items():
            ports = "|".join(str(p) for p in sorted(self.ports))
            port = f"(?::(?:{ports}))" + ("?" if default in self.ports else "")
            allowed.append(f"{scheme}://{host}{port}(?:[/?#]|$)")
        inert = "|".join(sorted(_INERT_SCHEMES))
        return re.compile(f"^(?!(?:{'|'.join(allowed)}|(?:{inert}):))", re.IGNORECASE)

    def check_url(self, url: str) -> Refusal | None:
        """The name-level check, before a request leaves; None when it may."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in _INERT_SCHEMES:
            return None
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return Refusal.SCHEME
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            return Refusal.PORT
        return self.check_target(parts.hostname, port)

    def check_target(self, host: str, port: int) -> Refusal | None:
        """The name-level check for a connection to host:port (a proxy's CONNECT)."""
        host = host.strip("[]").lower().rstrip(".")
        if self.hosts != ("*",) and not host_matches(host, list(self.hosts)):
            return Refusal.HOST
        if port not in self.ports:
            return Refusal.PORT
        return None

    def check_address(self, address: str) -> Refusal | None:
        """The connect-time check for one resolved address."""
        if self.loopback_only:
            return None if is_loopback_address(address) else Refusal.INTERNAL_ADDRESS
        return Refusal.INTERNAL_ADDRESS if is_internal_address(address) else None
