"""python -m gonghui.ray index CORPUS... --shards N --out DIR [--by story|date] [--address A]
python -m gonghui.ray serve DIR [--addr 127.0.0.1:8080] [--leaves K] [--replicas R] [--address A]
"""

from __future__ import annotations

import argparse
import signal
import sys
import time

import gonghui


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gonghui.ray", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index", help="index a corpus into shards with Ray tasks")
    index.add_argument("paths", nargs="+", metavar="CORPUS")
    index.add_argument("--shards", type=int, required=True)
    index.add_argument("--out", required=True, metavar="DIR")
    index.add_argument("--by", choices=["story", "date"], default="story")
    index.add_argument("--threads", type=int, default=1, help="indexing threads per shard task")
    index.add_argument("--address", help="the Ray cluster to join (default: start a local one)")
    serve = commands.add_parser("serve", help="serve the shards in DIR on Ray Serve")
    serve.add_argument("dir", metavar="DIR")
    serve.add_argument("--addr", default="127.0.0.1:8080", metavar="HOST:PORT")
    serve.add_argument("--leaves", type=int, help="leaf deployments (default: one per node of the cluster)")
    serve.add_argument("--replicas", type=int, default=1, help="replicas of each leaf")
    serve.add_argument("--address", help="the Ray cluster to join (default: start a local one)")
    args = parser.parse_args(argv)

    from . import indexing, serving

    try:
        if args.command == "index":
            manifest = indexing.index(
                args.paths, args.shards, args.out, by=args.by, address=args.address, threads=args.threads
            )
            for entry in manifest["shards"]:
                print(
                    f"shard {entry['shard']}: {entry['articles']} articles, {entry['passages']} passages, "
                    f"{entry['date_from'] or '-'} – {entry['date_to'] or '-'}, {entry['bytes'] / 1e6:.1f} MB, "
                    f"{entry['seconds']:.2f} s"
                )
            print(f"indexed into {args.shards} shards in {manifest['seconds']:.2f} s; manifest: {args.out}/{indexing.MANIFEST}")
            # As `gonghui index`: what could not be read is listed, and the exit is 1.
            problems = manifest["skipped"]
            if problems:
                print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}; the rest was indexed:", file=sys.stderr)
                for place, reason in problems:
                    print(f"  {place}: {reason}", file=sys.stderr)
                return 1
            return 0
        host, _, port = args.addr.rpartition(":")
        if not host or not port.isdigit():
            print(f"error: --addr {args.addr}: give HOST:PORT", file=sys.stderr)
            return 2
        url = serving.serve(
            args.dir, host=host, port=int(port), leaves=args.leaves, replicas=args.replicas, address=args.address
        )
        # Stopped by a signal, as by Ctrl-C: Ray's shutdown runs on the way out.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        print(f"serving {args.dir} at {url}/api/search (Ctrl-C stops)", flush=True)
        while True:
            time.sleep(3600)
    except gonghui.Error as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
