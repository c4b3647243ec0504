"""The job queue on a real SQS API (moto's server): send, receive, dead-letter with reason."""

from __future__ import annotations

import pytest

from directory_pipeline.domain import JobMessage
from directory_pipeline.queue import JobQueue, QueueUnavailableError
from directory_pipeline.queue.sqs import MAX_RECEIVE_COUNT, sqs_client
from directory_pipeline_tests.test_message import VALID


def test_a_sent_job_is_received_intact(job_queue: JobQueue) -> None:
    import json

    message = JobMessage.from_body(json.dumps(VALID))
    job_queue.send(message)
    [received] = job_queue.receive(wait_seconds=1)
    assert JobMessage.from_body(received.body) == message
    job_queue.delete(received)
    assert job_queue.depth() == 0


def test_dead_lettered_message_keeps_its_body_and_reason(job_queue: JobQueue) -> None:
    job_queue.send_body("{broken")
    [received] = job_queue.receive()
    job_queue.dead_letter(received, "message body is not JSON")
    assert job_queue.depth() == 0
    [(dead, reason)] = job_queue.dead_letters()
    assert dead.body == "{broken"
    assert reason == "message body is not JSON"


def test_redrive_policy_moves_a_poison_message_to_the_dlq(job_queue: JobQueue) -> None:
    job_queue.send_body("never processed")
    client = job_queue.client
    for _ in range(MAX_RECEIVE_COUNT + 1):
        client.receive_message(QueueUrl=job_queue.queue_url, VisibilityTimeout=0, WaitTimeSeconds=0)
    assert job_queue.depth() == 0
    assert job_queue.depth(dead_letter=True) == 1


def test_unreachable_sqs_raises_a_clear_error() -> None:
    from directory_pipeline.local.ports import free_port

    client = sqs_client("us-east-1", f"http://127.0.0.1:{free_port()}", "local", "local")
    queue = JobQueue(client, "http://127.0.0.1:1/q", "http://127.0.0.1:1/dlq")
    with pytest.raises(QueueUnavailableError, match="get_queue_attributes"):
        queue.depth()


def test_client_uses_default_credentials_chain_when_none_given(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    client = sqs_client("eu-west-1")
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "https://sqs.eu-west-1.amazonaws.com"
    credentials = client._request_signer._credentials  # what boto3's default chain found
    assert credentials.access_key == "from-env"
