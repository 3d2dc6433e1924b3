"""A real S3-compatible server on loopback for tests (moto's HTTP server), and the
settings that put Django's default storage on a fresh bucket of it.

    def test_files(s3_bucket, ...):
        ...  # default_storage now writes to the bucket through boto3 over HTTP
        s3_bucket.keys()      # what the bucket holds
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from eoms.testing.smtp import free_port

HOST = "127.0.0.1"
KEY = SECRET = "eoms-testing"
REGION = "us-east-1"
logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request


@dataclass
class Bucket:
    name: str
    client: Any
    prefix: str

    def keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(settings: Any, s3_endpoint: str) -> Bucket:
    import boto3

    from eoms.settings import s3_storage

    name = f"eoms-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY,
                          aws_secret_access_key=SECRET, region_name=REGION)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(
        name, endpoint_url=s3_endpoint, region=REGION, access_key=KEY, secret_key=SECRET,
        prefix="eoms")}
    return Bucket(name, client, "eoms/")
