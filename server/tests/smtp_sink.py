"""A real SMTP server for the tests (aiosmtpd): it refuses the first N messages with a temporary
error, then accepts and appends each message as one JSON line to a file. With --tls-dir it makes
a certificate authority of its own (ca.pem in that folder, as a city's would be) and a
certificate for localhost signed by it, and requires STARTTLS before any mail."""

import argparse
import asyncio
import json
import ssl
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from city_ca import city_certificates


class Sink:
    def __init__(self, out, fail_first):
        self.out = out
        self.fail_left = fail_first

    async def handle_DATA(self, server, session, envelope):
        if self.fail_left > 0:
            self.fail_left -= 1
            return "451 4.3.0 Try again later"
        with open(self.out, "a", encoding="utf-8") as f:
            message = message_from_bytes(envelope.content, policy=policy.default)
            f.write(json.dumps({
                "to": envelope.rcpt_tos,
                "subject": str(message["subject"]),
                "body": message.get_content(),
            }, ensure_ascii=False) + "\n")
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--tls-dir")
    args = parser.parse_args()
    tls = {}
    if args.tls_dir:
        paths = city_certificates(args.tls_dir)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(paths["cert.pem"], paths["key.pem"])
        tls = {"tls_context": context, "require_starttls": True}
    controller = Controller(Sink(args.out, args.fail_first), hostname="127.0.0.1",
                            port=args.port, **tls)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.get_event_loop().run_until_complete(asyncio.sleep(3600))
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
