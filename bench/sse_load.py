#!/usr/bin/env python3
"""Load client for bench/sse.sh (standard library only).

Opens N Server-Sent Events streams on /v1/events (one per seeded victim), then posts messages
as those victims (each message is delivered to its sender's own stream) and measures:
  - posts/s and post latency p50/p99,
  - event delivery latency p50/p99: the message body carries its send time, the stream that
    receives it subtracts it from the arrival time,
  - the server's RSS (VmRSS, VmHWM) with the streams open.
Two phases: paced (a fixed rate, streams mostly idle) and flat out (C concurrent posters).
"""
import argparse, asyncio, json, random, time


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def rss(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                out[k] = int(v.split()[0]) / 1024
    return out


class Stream:
    def __init__(self, host, port, token, delays):
        self.host, self.port, self.token, self.delays = host, port, token, delays
        self.events = 0
        self.ready = asyncio.Event()

    async def run(self):
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
        writer.write((f"GET /v1/events HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
                      "Accept: text/event-stream\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head[:80])
        self.ready.set()
        text = ""
        while True:
            size_line = await reader.readline()
            if not size_line:
                return
            size = int(size_line.strip().split(b";")[0], 16)
            if size == 0:
                return
            chunk = await reader.readexactly(size + 2)
            text += chunk[:-2].decode()
            while "\n\n" in text:
                frame, text = text.split("\n\n", 1)
                data = [l[6:] for l in frame.split("\n") if l.startswith("data: ")]
                if not data:
                    continue
                now = time.time()
                self.events += 1
                try:
                    body = json.loads("\n".join(data)).get("body", "")
                    if body.startswith("sent="):
                        self.delays.append((now - float(body[5:].split()[0])) * 1000)
                except ValueError:
                    pass


class Poster:
    """One keep-alive connection posting messages."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, token, case_id):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = json.dumps({"body": f"sent={time.time():.6f} benchmark message"}).encode()
        self.writer.write((f"POST /v1/cases/{case_id}/messages HTTP/1.1\r\nHost: {self.host}\r\n"
                           f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
                           f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        await self.reader.readexactly(length)
        return status


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--targets", required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--streams", type=int, default=2000)
    ap.add_argument("--rate", type=float, default=100.0, help="posts/s in the paced phase")
    ap.add_argument("--concurrency", type=int, default=32, help="posters in the flat-out phase")
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    host = "127.0.0.1"
    targets = [l.split() for l in open(args.targets) if l.strip()][: args.streams]
    base = rss(args.pid)
    delays = []
    streams = [Stream(host, args.port, t, delays) for t, _ in targets]
    tasks = []
    t0 = time.time()
    for i in range(0, len(streams), 100):
        for s in streams[i:i + 100]:
            tasks.append(asyncio.create_task(s.run()))
        await asyncio.gather(*(s.ready.wait() for s in streams[i:i + 100]))
    print(f"opened {len(streams)} streams in {time.time() - t0:.1f}s; server RSS before: "
          f"{base['VmRSS']:.1f} MiB, with streams open: {rss(args.pid)['VmRSS']:.1f} MiB")
    await asyncio.sleep(1)

    async def phase(name, posters, pace):
        delays.clear()
        latencies, errors = [], 0
        stop = time.time() + args.seconds
        received_before = sum(s.events for s in streams)

        async def worker(k):
            nonlocal errors
            p = Poster(host, args.port)
            next_at = time.time() + k / (pace or 1)
            while time.time() < stop:
                if pace:
                    next_at += posters / pace
                    await asyncio.sleep(max(0, next_at - time.time()))
                token, case_id = random.choice(targets)
                start = time.time()
                status = await p.post(token, case_id)
                latencies.append((time.time() - start) * 1000)
                if status != 201:
                    errors += 1

        started = time.time()
        await asyncio.gather(*(worker(k) for k in range(posters)))
        elapsed = time.time() - started
        await asyncio.sleep(1.0)  # let the last events arrive
        got = sum(s.events for s in streams) - received_before
        r = rss(args.pid)
        print(f"{name}: {len(latencies) / elapsed:.0f} posts/s, post p50 {pct(latencies, 50):.1f} ms p99 {pct(latencies, 99):.1f} ms, "
              f"errors {errors}; delivered {got}/{len(latencies)}, delivery p50 {pct(delays, 50):.1f} ms "
              f"p99 {pct(delays, 99):.1f} ms; server VmRSS {r['VmRSS']:.1f} MiB, VmHWM {r['VmHWM']:.1f} MiB")

    await phase(f"paced {args.rate:.0f}/s", 8, args.rate)
    await phase(f"flat out x{args.concurrency}", args.concurrency, 0)
    for t in tasks:
        t.cancel()


if __name__ == "__main__":
    asyncio.run(main())
