#!/usr/bin/env python3
"""A domain-guard webhook receiver: checks the Standard Webhooks signature, then prints the event.

  WEBHOOK_SECRET=whsec_... python3 scripts/webhook-receiver.py 8000   # then webhooks[].url: http://host:8000/
"""
import base64, hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["WEBHOOK_SECRET"]
KEY = base64.b64decode(SECRET[6:]) if SECRET.startswith("whsec_") else SECRET.encode()
seen = set()  # webhook-ids already handled: a retry after a lost answer is delivered again

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        msg_id, ts = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "0")
        signed = f"{msg_id}.{ts}.".encode() + body
        expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest()).decode()
        given = [s[3:] for s in self.headers.get("webhook-signature", "").split() if s.startswith("v1,")]
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300  # refuse replays of old requests
        if not fresh or not any(hmac.compare_digest(expected, s) for s in given):
            self.send_response(401); self.end_headers(); return
        if msg_id not in seen:
            seen.add(msg_id)
            event = json.loads(body)
            print(event["type"], json.dumps(event["data"]), flush=True)  # act here: email the user, unverify...
        self.send_response(204); self.end_headers()  # any 2xx: delivered, never sent again

HTTPServer(("0.0.0.0", int(sys.argv[1]) if len(sys.argv) > 1 else 8000), Receiver).serve_forever()
