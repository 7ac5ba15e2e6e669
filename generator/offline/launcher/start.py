#!/usr/bin/env python3
"""Start the offline copy of RMO Casebook: serve the folder ``site`` beside this file on this computer only
(127.0.0.1) and open it in the browser. Python 3.8 or later, standard library only.

    python3 start.py [--port P] [--no-browser]
"""

import argparse
import errno
import functools
import http.server
import os
import sys
import threading
import webbrowser

HERE = os.path.dirname(os.path.abspath(__file__))
SITE = os.path.join(HERE, "site")
DEFAULT_PORT = 8765
TRIES = 20
"""Ports tried from the default one when it is taken (not when --port is given)."""

# Fixed types: on Windows, Python would read them from the registry, where .js is sometimes text/plain
# (the browser then refuses the search's module script).
TYPES = {
    "": "application/octet-stream",
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = TYPES

    def guess_type(self, path):
        return TYPES.get(os.path.splitext(path)[1].lower(), TYPES[""])

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def say(text):
    try:
        print(text, flush=True)
    except UnicodeEncodeError:  # a console that cannot show Japanese
        print(text.encode("ascii", "replace").decode("ascii"), flush=True)


def make_server(port, fixed):
    """A server on 127.0.0.1: on ``port``, or (not ``fixed``) on the next free one."""
    handler = functools.partial(Handler, directory=SITE)
    ports = [port] if fixed else [port + i for i in range(TRIES)] + [0]
    for candidate in ports:
        try:
            return http.server.ThreadingHTTPServer(("127.0.0.1", candidate), handler)
        except OSError as exc:
            if exc.errno not in (errno.EADDRINUSE, errno.EACCES, getattr(errno, "WSAEADDRINUSE", -1), 10013, 10048):
                raise
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description="RMO Casebook のオフライン版を、このパソコンの中だけで開きます。")
    parser.add_argument(
        "--port", type=int, default=None, help=f"使うポート番号（既定: {DEFAULT_PORT} から空いているもの）"
    )
    parser.add_argument("--no-browser", action="store_true", help="ブラウザを開かない")
    args = parser.parse_args(argv)
    if not os.path.isfile(os.path.join(SITE, "index.html")):
        say(f"サイトのフォルダ（{SITE}）が見つかりません。")
        say("zip ファイルをすべて展開してから、もう一度起動してください。")
        return 1
    server = make_server(args.port if args.port is not None else DEFAULT_PORT, args.port is not None)
    if server is None:
        say(f"ポート {args.port} はほかのプログラムが使っています。")
        say("--port で別の番号を指定してください（例: --port 8800）。")
        return 1
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    say(f"事例集を {url} で開いています。")
    say("ブラウザが開かないときは、このアドレスをブラウザに入力してください。")
    say("終わるときは、この画面を閉じるか、Ctrl+C を押してください。")
    if not args.no_browser:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        say("終了しました。")
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
