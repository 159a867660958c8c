"""Where the server is and which token to present, following the CLI's conventions."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Mapping, Optional

DEFAULT_TARGET = "127.0.0.1:7420"


def resolve_target(target: Optional[str], environ: Mapping[str, str] = os.environ) -> str:
    """The explicit target, else $CAIRN_SERVER, else the default local address."""
    return target or environ.get("CAIRN_SERVER") or DEFAULT_TARGET


def data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """$CAIRN_DATA_DIR, else ${XDG_DATA_HOME:-~/.local/share}/cairn."""
    if environ.get("CAIRN_DATA_DIR"):
        return Path(environ["CAIRN_DATA_DIR"])
    base = environ.get("XDG_DATA_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "share"
    )
    return Path(base) / "cairn"


def resolve_token(token: Optional[str], environ: Mapping[str, str] = os.environ) -> Optional[str]:
    """The explicit token, else $CAIRN_TOKEN, else the local server's token file, else None."""
    if token:
        return token
    if environ.get("CAIRN_TOKEN"):
        return environ["CAIRN_TOKEN"].strip()
    try:
        text = (data_dir(environ) / "token").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def is_loopback(target: str) -> bool:
    """True for localhost and loopback addresses, where plaintext gRPC is acceptable."""
    host = target
    for prefix in ("dns:///", "ipv4:", "ipv6:"):
        if host.startswith(prefix):
            host = host[len(prefix):]
    if host.startswith("unix:"):
        return True
    if host.startswith("["):
        host = host[1 : host.find("]")]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
