"""EC2's instance metadata service (IMDSv2) as far as the spot notice goes, served on a box's own loopback.

PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds (1-21600) answers a token; GET
/latest/meta-data/spot/instance-action with that token answers 404 until NOTICE_FILE exists, then its JSON
(EC2's form: {"action": "terminate", "time": "2026-...Z"}); GET /latest/meta-data/instance-life-cycle answers
LIFE_CYCLE (on-demand, spot, ...). Without a valid token: 401, as IMDSv2 does. Every request is appended to
NOTICE_FILE.requests. Args: PORT NOTICE_FILE [LIFE_CYCLE, default on-demand].
"""
import http.server
import os
import secrets
import sys

PORT = int(sys.argv[1])
NOTICE = sys.argv[2]
LIFE = sys.argv[3] if len(sys.argv) > 3 else "on-demand"
TOKEN = secrets.token_urlsafe(24)


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def note(self):
        with open(NOTICE + ".requests", "a") as f:
            f.write(f"{self.command} {self.path}\n")

    def do_PUT(self):
        self.note()
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if self.path != "/latest/api/token" or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.answer(400)
        self.answer(200, TOKEN.encode())

    def do_GET(self):
        self.note()
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            return self.answer(401)
        if self.path == "/latest/meta-data/instance-life-cycle":
            return self.answer(200, LIFE.encode())
        if self.path != "/latest/meta-data/spot/instance-action" or not os.path.exists(NOTICE):
            return self.answer(404)
        with open(NOTICE, "rb") as f:
            self.answer(200, f.read())


http.server.HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
