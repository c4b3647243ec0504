"""Malformed SQS bodies for the fault suite's garbage scenario.

Every body is meant to be refused by intake (contracts §3: a missing or malformed required field
sends the message to the dead-letter queue with a reason). A generated body that the domain
model would accept as a runnable job is dropped and counted, so the suite never calls a valid
job "garbage". Bodies are text SQS can carry: lone surrogates appear JSON-escaped (`\\ud800`),
never raw (real SQS refuses them at send; moto answers 500 and keeps a copy that empties every
later receive on that queue, see README).
"""

from __future__ import annotations

import copy
import json
import random
import string
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from directory_pipeline.domain import Catalog, JobMessage

SQS_CLASSIC_LIMIT = 256 * 1024

Maker = Callable[[], str]


def _has_unstorable_text(payload: Any) -> bool:
    """A NUL or a lone surrogate anywhere in keys or strings (iterative: payloads nest)."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or any(0xD800 <= ord(c) <= 0xDFFF for c in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def would_be_runnable(body: str, catalog: Catalog) -> bool:
    """Whether `body` is a job the contract says must run: within the classic size limit,
    JSON, an object, clean text, valid against the message schema, with a business profile
    (these bodies have no jobs row) and directories the package may have."""
    try:
        if len(body.encode("utf-8", "surrogatepass")) > SQS_CLASSIC_LIMIT:
            return False
        payload = json.loads(body)
        if not isinstance(payload, dict) or _has_unstorable_text(payload):
            return False
        message = JobMessage.model_validate(payload)
        if message.business is None:
            return False
        catalog.directories_for(message.package, message.directories)
    except Exception:  # anything the model refuses, however it refuses it
        return False
    return True


class Fuzzer:
    """Makes malformed bodies of many kinds, round-robin, from a seeded RNG."""

    def __init__(self, rng: random.Random, profile: dict[str, Any], catalog: Catalog) -> None:
        self.rng = rng
        self.profile = profile
        self.catalog = catalog
        self.dropped: Counter[str] = Counter()
        self.kinds: dict[str, Maker] = {
            "deep-array": self.deep_array,
            "deep-object": self.deep_object,
            "deep-in-business": self.deep_in_business,
            "unbalanced-brackets": self.unbalanced,
            "nul-escaped": self.nul_escaped,
            "nul-in-key": self.nul_in_key,
            "nul-raw": self.nul_raw,
            "control-chars-raw": self.control_raw,
            "lone-surrogate": self.lone_surrogate,
            "near-256KB": self.near_limit,
            "over-256KB": self.over_limit,
            "wrong-types": self.wrong_types,
            "unknown-package": self.unknown_package,
            "unknown-directories": self.unknown_directories,
            "huge-directory-list": self.huge_directory_list,
            "huge-category-list": self.huge_category_list,
            "huge-top-level-array": self.huge_top_array,
            "not-json": self.not_json,
            "huge-number": self.huge_number,
            "orphan-no-profile": self.orphan,
            "schema-version": self.schema_version,
            "missing-field": self.missing_field,
            "bad-profile": self.bad_profile,
            "naive-timestamp": self.naive_timestamp,
            "bom-prefixed": self.bom_prefixed,
            "trailing-garbage": self.trailing_garbage,
            "duplicate-keys": self.duplicate_keys,
            "nan-infinity": self.nan_infinity,
        }

    # -- helpers -----------------------------------------------------------------------
    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _message(self, **changes: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "schema_version": 1,
            "job_id": self._uuid(),
            "customer_id": self._uuid(),
            "package": "starter",
            "business": copy.deepcopy(self.profile),
            "directories": ["citylocal-hub"],
            "requested_at": "2026-11-29T10:00:00Z",
        }
        message.update(changes)
        return message

    def _padded(self, target_bytes: int) -> str:
        """A job-shaped body with an invalid job id, padded to exactly `target_bytes`."""
        message = self._message(job_id="not-a-uuid", padding="")
        bare = len(json.dumps(message).encode())
        message["padding"] = "x" * max(target_bytes - bare, 0)
        return json.dumps(message)

    def _text(self, size: int) -> str:
        alphabet = string.ascii_letters + string.digits + string.punctuation + " \n\t"
        return "".join(self.rng.choices(alphabet, k=size))

    # -- kinds -------------------------------------------------------------------------
    def deep_array(self) -> str:
        depth = self.rng.choice([33, 40, 100, 1_000, 20_000, 100_000])
        return "[" * depth + "]" * depth

    def deep_object(self) -> str:
        depth = self.rng.choice([33, 200, 5_000, 50_000])
        return '{"a":' * depth + "1" + "}" * depth

    def deep_in_business(self) -> str:
        depth = self.rng.choice([33, 64, 500, 5_000])
        message = self._message()
        message["business"]["categories"] = "__NEST__"
        return json.dumps(message).replace('"__NEST__"', "[" * depth + '"x"' + "]" * depth)

    def unbalanced(self) -> str:
        return self.rng.choice(["[", "{", '{"a":[']) * self.rng.choice([100, 10_000, 80_000])

    def nul_escaped(self) -> str:
        message = self._message()
        field = self.rng.choice(["business_name", "city", "description"])
        message["business"][field] = "Bad\x00Bakery"
        return json.dumps(message)  # NUL as \u0000

    def nul_in_key(self) -> str:
        message = self._message()
        message["job\x00id"] = "x"
        return json.dumps(message)

    def nul_raw(self) -> str:
        message = self._message()
        message["business"]["business_name"] = "Bad__NUL__Raw"
        return json.dumps(message).replace("__NUL__", "\x00")

    def control_raw(self) -> str:
        char = chr(self.rng.choice([1, 2, 7, 8, 11, 12, 27, 31]))
        message = self._message()
        message["business"]["city"] = "San__CTRL__Francisco"
        return json.dumps(message).replace("__CTRL__", char)

    def lone_surrogate(self) -> str:
        message = self._message()
        where = self.rng.choice(["name", "key", "directory", "end-high"])
        if where == "name":
            message["business"]["business_name"] = "Bad\ud800Bakery"
        elif where == "key":
            message["business"]["\udfffkey"] = "x"
        elif where == "directory":
            message["directories"] = ["citylocal-hub\udc00"]
        else:
            message["business"]["short_description"] = "ends with a high surrogate \ud83d"
        return json.dumps(message)  # ensure_ascii: the surrogate is written as \udXXX

    def near_limit(self) -> str:
        """Just under or at the classic 256 KiB: a job-shaped body, plain text, or brackets."""
        shape = self.rng.choice(["json", "text", "deep"])
        if shape == "json":
            return self._padded(self.rng.choice([255_000, 262_000, 262_143, SQS_CLASSIC_LIMIT]))
        if shape == "text":
            return self._text(self.rng.choice([262_000, SQS_CLASSIC_LIMIT]))
        return "[" * 131_000 + "]" * 131_000

    def over_limit(self) -> str:
        """Over 256 KiB (moto, like SQS queues created since 2025, takes up to 1 MiB)."""
        return self._padded(self.rng.choice([SQS_CLASSIC_LIMIT + 1, 300_000, 1_040_000]))

    def wrong_types(self) -> str:
        choices: list[tuple[str, Any]] = [
            ("schema_version", "1"),
            ("job_id", 12345),
            ("job_id", ["x"]),
            ("customer_id", {"id": 1}),
            ("package", 5),
            ("package", None),
            ("package", ["starter"]),
            ("business", "Rosa's Bakery"),
            ("business", [1, 2, 3]),
            ("business", 42),
            ("directories", "citylocal-hub"),
            ("directories", {"a": 1}),
            ("directories", [1, 2]),
            ("requested_at", 12345),
            ("requested_at", "yesterday"),
            ("requested_at", None),
        ]
        key, value = self.rng.choice(choices)
        message = self._message()
        message[key] = value
        if self.rng.random() < 0.3:  # or a wrong type inside the profile
            message = self._message()
            field, bad = self.rng.choice(
                [("email", 42), ("latitude", "north"), ("hours", 5), ("categories", "Bakery")]
            )
            message["business"][field] = bad
        return json.dumps(message)

    def unknown_package(self) -> str:
        package = self.rng.choice(["platinum", "Starter", "", "starter ", "enterprise-plus"])
        return json.dumps(self._message(package=package))

    def unknown_directories(self) -> str:
        directories = self.rng.choice(
            [
                ["does-not-exist"],
                ["citylocal-hub", "nope-directory"],
                ["nearbyguide"],  # an enterprise site on a starter job
                ["../../etc/passwd"],
                ["CITYLOCAL-HUB"],
                [""],
            ]
        )
        return json.dumps(self._message(directories=directories))

    def huge_directory_list(self) -> str:
        count = self.rng.choice([501, 5_000, 20_000])
        return json.dumps(self._message(directories=[f"d{i}" for i in range(count)]))

    def huge_category_list(self) -> str:
        message = self._message()
        message["business"]["categories"] = ["Bakery"] * self.rng.choice([1_000, 20_000])
        return json.dumps(message)

    def huge_top_array(self) -> str:
        return json.dumps(list(range(self.rng.choice([1_000, 40_000]))))

    def not_json(self) -> str:
        fixed = [
            "",
            " ",
            "hello",
            "<job><id>1</id></job>",
            "{",
            '{"job_id": ',
            "null",
            "true",
            "123",
            '"a string"',
            "[]",
            "{}",
            "job_id=1&package=starter",
            "{'job_id': 'single quotes'}",
            "/* comment */ {}",
        ]
        if self.rng.random() < 0.5:
            return self.rng.choice(fixed)
        return self._text(self.rng.randint(1, 4_000))

    def huge_number(self) -> str:
        return '{"schema_version": ' + "9" * self.rng.choice([5_000, 100_000]) + "}"

    def orphan(self) -> str:
        message = self._message()
        del message["business"]  # no profile, and no jobs row for this job id
        return json.dumps(message)

    def schema_version(self) -> str:
        message = self._message(schema_version=self.rng.choice([0, 2, 99, -1]))
        if self.rng.random() < 0.3:
            del message["schema_version"]
        return json.dumps(message)

    def missing_field(self) -> str:
        message = self._message()
        del message[self.rng.choice(["job_id", "customer_id", "package", "requested_at"])]
        return json.dumps(message)

    def bad_profile(self) -> str:
        message = self._message()
        field, value = self.rng.choice(
            [
                ("email", "rosa-at-example"),
                ("phone", "12"),
                ("country", "USA"),
                ("website", "javascript:alert(1)"),
                ("logo", "file:///etc/passwd"),
                ("business_name", ""),
                ("postal_code", "x" * 5_000),
            ]
        )
        message["business"][field] = value
        return json.dumps(message)

    def naive_timestamp(self) -> str:
        return json.dumps(self._message(requested_at="2026-11-29T10:00:00"))

    def bom_prefixed(self) -> str:
        return "\ufeff" + json.dumps(self._message())

    def trailing_garbage(self) -> str:
        return json.dumps(self._message()) + self.rng.choice([" xyz", "}", "\n{}", ",", "]"])

    def duplicate_keys(self) -> str:
        return json.dumps(self._message())[:-1] + ', "package": 5}'

    def nan_infinity(self) -> str:
        message = self._message()
        message["business"]["latitude"] = self.rng.choice([float("nan"), float("inf")])
        return json.dumps(message)

    # -- all ---------------------------------------------------------------------------
    def make(self, count: int) -> list[tuple[str, str]]:
        """`count` bodies as (kind, body), kinds in round-robin, each checked not runnable."""
        names = list(self.kinds)
        bodies: list[tuple[str, str]] = []
        attempts = 0
        while len(bodies) < count and attempts < count * 5:
            kind = names[attempts % len(names)]
            attempts += 1
            body = self.kinds[kind]()
            if would_be_runnable(body, self.catalog):
                self.dropped[kind] += 1
                continue
            bodies.append((kind, body))
        self.rng.shuffle(bodies)
        return bodies
