"""A local server that speaks eSMS's customer-care API as its documentation describes it
(POST JSON to /MainService.svc/json/SendMultipleMessage_V4_post_json/, answered with
{"CodeResult": "100", "SMSID": …}), for the tests: it checks the keys and the brand name, knows a
RequestId it has seen (124: one it took, and, as the safe reading of eSMS's table, one it
refused too), refuses numbers eSMS would not take (108), and can be told to fail the first N
requests (HTTP 503, which answers nothing, a "balance too low" 103, or a plain refusal 300).
Every message it takes is appended to a file as one JSON line."""

import argparse
import json
import re
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--secret-key", required=True)
    parser.add_argument("--brandname", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-with", choices=["503", "103", "300"], default="503")
    args = parser.parse_args()
    state = {"fail_left": args.fail_first, "seen": set()}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if self.path != PATH:
                return self.answer(404, {"error": "Invalid request"})
            length = int(self.headers.get("Content-Length", "0"))
            try:
                request = json.loads(self.rfile.read(length))
            except ValueError:
                return self.answer(400, {"error": "Invalid request"})
            request_id = request.get("RequestId")

            def refuse(code, message):
                # The id is seen: a try again under it would be answered 124.
                if request_id:
                    state["seen"].add(request_id)
                return self.answer(200, {"CodeResult": code, "CountRegenerate": 0,
                                         "ErrorMessage": message})

            if state["fail_left"] > 0:
                state["fail_left"] -= 1
                if args.fail_with == "503":
                    return self.answer(503, {"error": "Service Unavailable"})
                if args.fail_with == "300":
                    return refuse("300", "System busy, please try again")
                return refuse("103", "Balance not enough to send message")
            if request.get("ApiKey") != args.api_key or request.get("SecretKey") != args.secret_key:
                return refuse("101", "Authorize Failed")
            if request.get("Brandname") != args.brandname:
                return refuse("104", "Brand name code is not exist")
            if str(request.get("SmsType")) != "2" or not request.get("Content"):
                return refuse("300", "Missing message type")
            phone = str(request.get("Phone", ""))
            if not re.fullmatch(r"0[35789]\d{8}", phone) or phone.startswith("0999"):
                # 0999… stands for a number no network knows.
                return refuse("108", "Phone number is not valid")
            if request_id and request_id in state["seen"]:
                return self.answer(200, {"CodeResult": "124", "CountRegenerate": 0,
                                         "ErrorMessage": "Request exist 1", "SendStatus": "5"})
            if request_id:
                state["seen"].add(request_id)
            sms_id = uuid.uuid4().hex
            with open(args.out, "a", encoding="utf-8") as f:
                f.write(json.dumps({
                    "phone": phone,
                    "content": request["Content"],
                    "unicode": str(request.get("IsUnicode")),
                    "request_id": request_id,
                    "sms_id": sms_id,
                }, ensure_ascii=False) + "\n")
            return self.answer(200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
