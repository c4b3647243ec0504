"""Sending, receiving and dead-lettering job messages on SQS with boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from directory_pipeline.domain import JobMessage
from directory_pipeline.settings import Settings

DEFAULT_QUEUE_NAME = "directory-pipeline-jobs"
MAX_RECEIVE_COUNT = 5  # deliveries before SQS itself moves a message to the DLQ


class QueueUnavailableError(RuntimeError):
    """SQS could not be reached or refused the call."""


class ReceivedMessage(BaseModel):
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int = 1


def sqs_client(
    region: str,
    endpoint_url: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> Any:
    """A boto3 SQS client; credentials fall back to boto3's default chain when not given."""
    return boto3.client(
        "sqs",
        region_name=region,
        endpoint_url=endpoint_url or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        config=Config(connect_timeout=3, read_timeout=25, retries={"max_attempts": 2}),
    )


def create_queues(client: Any, name: str = DEFAULT_QUEUE_NAME) -> tuple[str, str]:
    """Create (or find) the queue and its DLQ with a redrive policy; returns both URLs."""
    dlq_url = client.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = client.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    redrive = json.dumps(
        {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVE_COUNT)}
    )
    queue_url = client.create_queue(
        QueueName=name,
        Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "120"},
    )["QueueUrl"]
    return queue_url, dlq_url


class JobQueue:
    """The main job queue and its dead-letter queue."""

    def __init__(self, client: Any, queue_url: str, dlq_url: str) -> None:
        self.client = client
        self.queue_url = queue_url
        self.dlq_url = dlq_url

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        try:
            return getattr(self.client, method)(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise QueueUnavailableError(f"SQS {method} failed: {exc}") from exc

    def send(self, message: JobMessage) -> str:
        return self.send_body(message.to_body())

    def send_body(self, body: str) -> str:
        """Send a raw body, as the web shop does; returns the SQS message id."""
        return self._call("send_message", QueueUrl=self.queue_url, MessageBody=body)["MessageId"]

    def receive(self, max_messages: int = 10, wait_seconds: int = 1) -> list[ReceivedMessage]:
        response = self._call(
            "receive_message",
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        )
        return [
            ReceivedMessage(
                message_id=m["MessageId"],
                receipt_handle=m["ReceiptHandle"],
                body=m["Body"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)),
            )
            for m in response.get("Messages", [])
        ]

    def delete(self, message: ReceivedMessage) -> None:
        self._call("delete_message", QueueUrl=self.queue_url, ReceiptHandle=message.receipt_handle)

    def dead_letter(self, message: ReceivedMessage, reason: str) -> None:
        """Move a message to the DLQ with a `reason` attribute, then drop it from the queue."""
        self._call(
            "send_message",
            QueueUrl=self.dlq_url,
            MessageBody=message.body,
            MessageAttributes={
                "reason": {"DataType": "String", "StringValue": reason[:1000] or "unspecified"},
                "original_message_id": {"DataType": "String", "StringValue": message.message_id},
            },
        )
        self.delete(message)

    def dead_letters(self, max_messages: int = 10) -> list[tuple[ReceivedMessage, str | None]]:
        """Peek at the DLQ: messages and their reasons (they become visible again later)."""
        response = self._call(
            "receive_message",
            QueueUrl=self.dlq_url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=0,
            MessageAttributeNames=["All"],
            VisibilityTimeout=0,
        )
        out = []
        for m in response.get("Messages", []):
            reason = m.get("MessageAttributes", {}).get("reason", {}).get("StringValue")
            out.append(
                (
                    ReceivedMessage(
                        message_id=m["MessageId"], receipt_handle=m["ReceiptHandle"], body=m["Body"]
                    ),
                    reason,
                )
            )
        return out

    def depth(self, dead_letter: bool = False) -> int:
        """Messages waiting (visible plus in flight) on the queue or its DLQ."""
        attrs = self._call(
            "get_queue_attributes",
            QueueUrl=self.dlq_url if dead_letter else self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(
            attrs["ApproximateNumberOfMessagesNotVisible"]
        )


def job_queue_from(settings: Settings) -> JobQueue:
    """The job queue the settings point at (AWS, or a local SQS API via its endpoint)."""
    settings.require("sqs_queue_url", "sqs_dlq_url")
    assert settings.sqs_queue_url and settings.sqs_dlq_url
    client = sqs_client(
        settings.aws_region,
        settings.sqs_endpoint_url,
        settings.aws_access_key_id,
        settings.aws_secret_access_key,
    )
    return JobQueue(client, settings.sqs_queue_url, settings.sqs_dlq_url)
