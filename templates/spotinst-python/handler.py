# -*- coding: utf-8 -*-
"""The hello function.

Event: {"query", "body", "headers", "method", "path"}; the body arrives JSON-parsed when it
is JSON. Answers {"message": "Hello <name>"}, the name taken from the body
({"name": "..."}), else the query string (?name=...), else "world". What it prints shows
in `serverless logs -f hello`. Written for python 2.7 and 3 alike.
"""
from __future__ import print_function

import json
import os


def main(event, context):
    body = event.get("body")
    if not isinstance(body, dict):
        body = {}
    name = body.get("name") or (event.get("query") or {}).get("name") or "world"
    greeting = os.environ.get("GREETING", "Hello")
    print("hello: greeting %s (request %s)" % (name, context.requestId))
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": "%s %s" % (greeting, name)}),
    }
