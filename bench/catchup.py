"""Reads every stored event of a server with the Python client, without following, and
prints how many it read and how many per second: the catch-up figure bench/run reports.

Usage: python bench/catchup.py   (the server from $CAIRN_SERVER, its token from $CAIRN_DATA_DIR)
"""

import sys
import time

from cairn_client import Client


def main() -> int:
    client = Client()
    start = time.monotonic()
    events = 0
    last = 0
    for event in client.watch(after_seq=0, follow=False):
        if event.global_seq != last + 1:
            print(f"error: event {event.global_seq} after {last}", file=sys.stderr)
            return 2
        last = event.global_seq
        events += 1
    elapsed = time.monotonic() - start
    print(f"{events} {events / elapsed:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
