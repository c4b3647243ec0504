"""The SQS job queue and its dead-letter queue (AWS or a local SQS API, same code)."""

from directory_pipeline.queue.sqs import JobQueue, QueueUnavailableError, ReceivedMessage

__all__ = ["JobQueue", "QueueUnavailableError", "ReceivedMessage"]
