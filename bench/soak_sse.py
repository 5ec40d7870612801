#!/usr/bin/env python3
"""SSE side of bench/soak.sh (standard library only).

Holds N /v1/events streams open for the whole run (one per token in --tokens, officers who
receive every message of their force) and counts what arrives. A stream that fails to open, or
that the server ends before the run is over (e.g. dropped for falling behind), is an error.
Prints one RESULT line; exits 1 when there were errors.
"""
import argparse, asyncio, time


class Stream:
    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.events = 0
        self.comments = 0
        self.error = None

    async def run(self, until):
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        except OSError as e:
            self.error = f"connect: {e}"
            return
        try:
            writer.write((f"GET /v1/events HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
                          "Accept: text/event-stream\r\n\r\n").encode())
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            if not head.startswith(b"HTTP/1.1 200"):
                self.error = "opened with " + head.split(b"\r\n", 1)[0].decode(errors="replace")
                return
            # Frames are counted on the raw chunked body: "\nid: " starts an event (the first
            # one follows the opening comment), "\n: " a comment. `tail` catches a marker split
            # between two reads; a chunk-size line never contains either.
            tail = b""
            while True:
                remaining = until - time.monotonic()
                if remaining <= 0:
                    return
                try:
                    data = await asyncio.wait_for(reader.read(1 << 16), remaining)
                except asyncio.TimeoutError:
                    return
                if not data:
                    self.error = "the server ended the stream early"
                    return
                buf = tail + data
                self.events += buf.count(b"\nid: ")
                self.comments += buf.count(b"\n: ")
                tail = buf[-8:]
                # Do not count the kept tail twice.
                self.events -= tail.count(b"\nid: ")
                self.comments -= tail.count(b"\n: ")
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError) as e:
            self.error = f"{type(e).__name__}: {e}"
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--seconds", type=float, required=True)
    args = ap.parse_args()
    tokens = [l.strip() for l in open(args.tokens) if l.strip()]
    until = time.monotonic() + args.seconds
    streams = [Stream("127.0.0.1", args.port, t) for t in tokens]
    await asyncio.gather(*(s.run(until) for s in streams))
    failed = [s for s in streams if s.error]
    events = sum(s.events for s in streams)
    print(f"RESULT streams={len(streams)} seconds={args.seconds:.0f} events={events} "
          f"events_per_s={events / args.seconds:.1f} comments={sum(s.comments for s in streams)} errors={len(failed)}")
    for s in failed[:5]:
        print(f"  stream error: {s.error}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
