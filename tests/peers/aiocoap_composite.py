"""aiocoap (PyPI, pinned in .ci/install-peers) as an LwM2M server would speak to our client.

Usage: aiocoap_composite.py BIND_PORT CLIENT_HOST:PORT

Binds to 127.0.0.1:BIND_PORT (the address our client registered with, the only one it answers)
and sends:
  1. Read-Composite: FETCH / with a SenML JSON list of paths (Content-Format 110);
  2. Observe-Composite: the same FETCH with Observe=0, then waits for one notification;
  3. forgets the observation (prints "forgotten"): aiocoap answers the next notification with a
     Reset, which ends the observation on our client (RFC 7641 §3.6);
and exits when its stdin says "done".
Each answer is printed as one line: what, CoAP code, Content-Format, Observe, then the SenML
records resolved by this script (bn + n) as path=value. The test changes the temperature when it
sees the "observe" line and expects a "notification" line.
"""

import asyncio
import json
import sys

from aiocoap import Code, Context, Message

PATHS = b'[{"n":"/3/0/0"},{"n":"/3303/0/5700"}]'


def records(payload):
    """SenML JSON (RFC 8428) resolved to path=value, independently of the Rust codec."""
    out, base = [], ""
    for r in json.loads(payload):
        base = r.get("bn", base)
        name = base + r.get("n", "")
        for key in ("v", "vs", "vb", "vd", "vlo"):
            if key in r:
                out.append(f"{name}={r[key]}")
    return " ".join(out)


def line(what, m):
    cf = m.opt.content_format
    cf = int(cf) if cf is not None else "-"
    obs = m.opt.observe if m.opt.observe is not None else "-"
    body = records(m.payload) if m.code.is_successful() and m.payload else ""
    print(f"{what} {m.code.dotted} cf={cf} obs={obs} {body}", flush=True)


def fetch(target, observe=None):
    """Read-Composite (or Observe-Composite) of PATHS."""
    m = Message(code=Code.FETCH, uri=f"coap://{target}/", payload=PATHS)
    m.opt.content_format = 110
    m.opt.accept = 110
    if observe is not None:
        m.opt.observe = observe
    return m


async def main(port, target):
    ctx = await Context.create_server_context(None, bind=("127.0.0.1", port))
    try:
        line("fetch", await ctx.request(fetch(target)).response)
        req = ctx.request(fetch(target, observe=0))
        line("observe", await req.response)
        async for note in req.observation:
            line("notification", note)
            break
        req.observation.cancel()
        print("forgotten", flush=True)
        done = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        assert done.strip() == "done", done
    finally:
        await ctx.shutdown()


if __name__ == "__main__":
    asyncio.run(asyncio.wait_for(main(int(sys.argv[1]), sys.argv[2]), 30))
