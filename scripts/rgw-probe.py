#!/usr/bin/python3
"""Checks the throwaway cluster's RADOS Gateway the way a client uses it: S3 with signed requests (boto3)
and Swift with v1 auth (python-swiftclient), from the RGW_* variables that scripts/ceph-cluster.sh writes
to DIR/rgw.env. Each API gets a bucket (container) of its own, an object PUT, read back, compared and
deleted, and the bucket removed again.

    /usr/bin/python3 scripts/rgw-probe.py SECONDS

Run with Debian's /usr/bin/python3 (python3-boto3, python3-swiftclient), not whatever python3 comes first
on PATH. SECONDS bounds the wait for the user's keys to be accepted: a user made while radosgw runs is seen
by it only once its metadata cache notices (objectstore-notes). Exit 0 when all of it worked, else 1 with
one line on stderr naming the step that failed.
"""
import os
import sys
import time
import uuid

try:
    import boto3
    import botocore.config
    import botocore.exceptions
    import swiftclient
    import swiftclient.exceptions
except ImportError as missing:
    sys.exit(f"rgw-probe: {missing} (Debian: python3-boto3 and python3-swiftclient, for /usr/bin/python3; "
             "scripts/ceph-cluster.sh install installs them)")

VARIABLES = ("RGW_ENDPOINT", "RGW_S3_ACCESS_KEY", "RGW_S3_SECRET_KEY",
             "RGW_SWIFT_AUTH_URL", "RGW_SWIFT_USER", "RGW_SWIFT_KEY")
# the codes a correct key gets while radosgw does not know the user yet
S3_UNKNOWN_USER = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied")
TIMEOUT_SECONDS = 10  # per request: a gateway that hangs fails the probe instead of stalling start


class ProbeError(Exception):
    pass


def retry(what, call, is_unknown_user, deadline):
    """call() until it succeeds, retrying only "unknown user" answers until the deadline."""
    while True:
        try:
            return call()
        except Exception as e:  # noqa: BLE001 - classified right below, re-raised otherwise
            if not is_unknown_user(e) or time.monotonic() >= deadline:
                raise ProbeError(f"{what} failed: {e}") from e
        time.sleep(0.2)


def step(what, call):
    try:
        return call()
    except Exception as e:  # noqa: BLE001 - one line naming the step is the whole report
        raise ProbeError(f"{what} failed: {e}") from e


def quietly(call):
    """Clean-up after a failure: the first failure is the one to report, not this one's."""
    try:
        call()
    except Exception:  # noqa: BLE001
        pass


def probe_s3(env, deadline, body):
    s3 = boto3.client(
        "s3", endpoint_url=env["RGW_ENDPOINT"], region_name="us-east-1",
        aws_access_key_id=env["RGW_S3_ACCESS_KEY"], aws_secret_access_key=env["RGW_S3_SECRET_KEY"],
        config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                                      connect_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS))

    def unknown_user(e):
        return (isinstance(e, botocore.exceptions.ClientError)
                and e.response.get("Error", {}).get("Code") in S3_UNKNOWN_USER)

    bucket, key = f"rgw-probe-{uuid.uuid4().hex[:12]}", "probe/object"
    retry("S3 ListBuckets", s3.list_buckets, unknown_user, deadline)
    step(f"S3 CreateBucket {bucket}", lambda: s3.create_bucket(Bucket=bucket))
    try:
        step(f"S3 PutObject {bucket}/{key}", lambda: s3.put_object(Bucket=bucket, Key=key, Body=body))
        got = step(f"S3 GetObject {bucket}/{key}", lambda: s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        if got != body:
            raise ProbeError(f"S3 GetObject {bucket}/{key} returned {len(got)} bytes that differ from the "
                             f"{len(body)} put")
        step(f"S3 DeleteObject {bucket}/{key}", lambda: s3.delete_object(Bucket=bucket, Key=key))
    except ProbeError:
        quietly(lambda: s3.delete_object(Bucket=bucket, Key=key))
        quietly(lambda: s3.delete_bucket(Bucket=bucket))
        raise
    step(f"S3 DeleteBucket {bucket}", lambda: s3.delete_bucket(Bucket=bucket))


def probe_swift(env, deadline, body):
    conn = swiftclient.Connection(authurl=env["RGW_SWIFT_AUTH_URL"], user=env["RGW_SWIFT_USER"],
                                  key=env["RGW_SWIFT_KEY"], auth_version="1", retries=0,
                                  timeout=TIMEOUT_SECONDS)

    def unknown_user(e):
        return isinstance(e, swiftclient.exceptions.ClientException) and e.http_status in (401, 403)

    container, name = f"rgw-probe-{uuid.uuid4().hex[:12]}", "probe/object"
    retry("Swift v1 auth", conn.get_auth, unknown_user, deadline)
    step(f"Swift PUT container {container}", lambda: conn.put_container(container))
    try:
        step(f"Swift PUT {container}/{name}", lambda: conn.put_object(container, name, body))
        _, got = step(f"Swift GET {container}/{name}", lambda: conn.get_object(container, name))
        if got != body:
            raise ProbeError(f"Swift GET {container}/{name} returned {len(got)} bytes that differ from the "
                             f"{len(body)} put")
        step(f"Swift DELETE {container}/{name}", lambda: conn.delete_object(container, name))
    except ProbeError:
        quietly(lambda: conn.delete_object(container, name))
        quietly(lambda: conn.delete_container(container))
        raise
    step(f"Swift DELETE container {container}", lambda: conn.delete_container(container))


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: rgw-probe.py SECONDS", file=sys.stderr)
        return 2
    missing = [v for v in VARIABLES if not os.environ.get(v)]
    if missing:
        print(f"rgw-probe: {', '.join(missing)} not set", file=sys.stderr)
        return 1
    deadline = time.monotonic() + int(argv[1])
    body = os.urandom(64 * 1024)
    try:
        probe_s3(os.environ, deadline, body)
        probe_swift(os.environ, deadline, body)
    except ProbeError as e:
        print(f"rgw-probe: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
