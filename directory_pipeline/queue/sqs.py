"""Sending, receiving and dead-lettering job messages on SQS with boto3."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from directory_pipeline.domain import JobMessage
from directory_pipeline.settings import Settings

DEFAULT_QUEUE_NAME = "directory-pipeline-jobs"
MAX_RECEIVE_COUNT = 5  # deliveries before SQS itself moves a message to the DLQ
CLASSIC_MESSAGE_BYTES = 256 * 1024  # what every SQS queue takes; newer ones take up to 1 MiB
MAX_DELAY_SECONDS = 900  # SQS's ceiling on DelaySeconds

# Characters SQS accepts in bodies and attribute values (XML 1.0's); anything else is replaced.
_NOT_SQS_TEXT = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def sqs_text(value: str) -> str:
    """`value` with every character SQS refuses (NUL, lone surrogates, most control
    characters) replaced by U+FFFD, so an attribute built from it can always be sent."""
    return _NOT_SQS_TEXT.sub("\ufffd", value)


def _string_attributes(values: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        name: {"DataType": "String", "StringValue": sqs_text(value) or "unspecified"}
        for name, value in values.items()
    }


def _attributes_bytes(attributes: dict[str, dict[str, str]]) -> int:
    """Their size as SQS counts it toward the message limit: name, data type and value."""
    return sum(
        len(name.encode()) + len(a["DataType"].encode()) + len(a["StringValue"].encode())
        for name, a in attributes.items()
    )


class QueueUnavailableError(RuntimeError):
    """SQS could not be reached or refused the call."""


class ReceivedMessage(BaseModel):
    message_id: str
    receipt_handle: str
    body: str
    receive_count: int = 1
    # Set on a message we re-sent ourselves (see `JobQueue.resend`): the first message's id.
    original_message_id: str | None = None


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
        self._dlq_max_bytes: int | None = None

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
            MessageAttributeNames=["original_message_id"],
        )
        return [
            ReceivedMessage(
                message_id=m["MessageId"],
                receipt_handle=m["ReceiptHandle"],
                body=m["Body"],
                receive_count=int(m.get("Attributes", {}).get("ApproximateReceiveCount", 1)),
                original_message_id=m.get("MessageAttributes", {})
                .get("original_message_id", {})
                .get("StringValue"),
            )
            for m in response.get("Messages", [])
        ]

    def delete(self, message: ReceivedMessage) -> None:
        self._call("delete_message", QueueUrl=self.queue_url, ReceiptHandle=message.receipt_handle)

    def change_visibility(self, message: ReceivedMessage, seconds: int) -> None:
        """Show the message again in `seconds` (0: at once) rather than after the queue's
        visibility timeout."""
        self._call(
            "change_message_visibility",
            QueueUrl=self.queue_url,
            ReceiptHandle=message.receipt_handle,
            VisibilityTimeout=max(0, seconds),
        )

    def resend(self, message: ReceivedMessage, delay_seconds: int = 0) -> str:
        """Send the message's body again as a fresh message, then delete the old one.

        The fresh message starts at receive count 0, so SQS's redrive policy never moves a
        message we only kept waiting to the DLQ. It carries the first message's id in
        `original_message_id`. Returns the new message id.
        """
        new_id = self._call(
            "send_message",
            QueueUrl=self.queue_url,
            MessageBody=message.body,
            DelaySeconds=min(max(0, delay_seconds), MAX_DELAY_SECONDS),
            MessageAttributes=_string_attributes(
                {"original_message_id": message.original_message_id or message.message_id}
            ),
        )["MessageId"]
        self.delete(message)
        return new_id

    def _dead_letter_limit(self) -> int:
        """The DLQ's MaximumMessageSize (asked once), or the classic 256 KiB if SQS won't say."""
        if self._dlq_max_bytes is None:
            try:
                attrs = self._call(
                    "get_queue_attributes",
                    QueueUrl=self.dlq_url,
                    AttributeNames=["MaximumMessageSize"],
                )["Attributes"]
                self._dlq_max_bytes = int(attrs["MaximumMessageSize"])
            except (QueueUnavailableError, KeyError, ValueError):
                self._dlq_max_bytes = CLASSIC_MESSAGE_BYTES
        return self._dlq_max_bytes

    def dead_letter(self, message: ReceivedMessage, reason: str) -> None:
        """Move a message to the DLQ with a `reason` attribute, then drop it from the queue.

        A body that, with its attributes, would not fit the DLQ (a body near the size limit)
        is cut to fit and the cut is recorded in a `body_truncated` attribute (original size
        and SHA-256), so the message and its reason always reach the DLQ.
        """
        attributes = _string_attributes(
            {
                "reason": reason[:1000],
                "original_message_id": message.original_message_id or message.message_id,
            }
        )
        body = message.body
        encoded = body.encode("utf-8", "replace")
        if len(encoded) + _attributes_bytes(attributes) > CLASSIC_MESSAGE_BYTES:
            limit = self._dead_letter_limit()
            if len(encoded) + _attributes_bytes(attributes) > limit:
                note = (
                    f"kept the first {{kept}} of {len(encoded)} bytes; "
                    f"sha256 of the whole body {hashlib.sha256(encoded).hexdigest()}"
                )
                room = limit - _attributes_bytes(attributes) - 64 - len(note.encode())
                body = encoded[: max(room, 1)].decode("utf-8", "ignore") or "?"
                attributes |= _string_attributes(
                    {"body_truncated": note.format(kept=len(body.encode()))}
                )
        self._call(
            "send_message", QueueUrl=self.dlq_url, MessageBody=body, MessageAttributes=attributes
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
