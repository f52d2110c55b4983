"""A small strict-schema library that reports issues in the style of OpenClaw's validator.

OpenClaw validates its config with zod (v4 messages). Every issue carries a dotted path
(`gateway.bind`, `gateway.controlUi.allowedOrigins.0`) and a message such as
`Unrecognized key: "foo"` or `Invalid option: expected one of "local"|"remote"`.
"""

import ipaddress
import re
from dataclasses import dataclass


@dataclass
class Issue:
    """One validation problem at a config path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.message}"


def join_path(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class Schema:
    expected = "value"

    def validate(self, value, path: str, issues: list[Issue]) -> None:
        raise NotImplementedError

    def type_error(self, value, path: str, issues: list[Issue]) -> None:
        issues.append(Issue(path, f"Invalid input: expected {self.expected}, received {type_name(value)}"))


class Str(Schema):
    expected = "string"

    def __init__(self, enum: tuple[str, ...] | None = None, pattern: str | None = None,
                 pattern_message: str | None = None, min_length: int = 0):
        self.enum = enum
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_message = pattern_message
        self.min_length = min_length

    def validate(self, value, path, issues):
        if not isinstance(value, str):
            if self.enum:
                issues.append(Issue(path, "Invalid option: expected one of " + "|".join(f'"{v}"' for v in self.enum)))
            else:
                self.type_error(value, path, issues)
            return
        if self.enum and value not in self.enum:
            issues.append(Issue(path, "Invalid option: expected one of " + "|".join(f'"{v}"' for v in self.enum)))
        elif self.pattern and not self.pattern.fullmatch(value):
            issues.append(Issue(path, self.pattern_message or f"Invalid string: must match pattern {self.pattern.pattern}"))
        elif len(value) < self.min_length:
            issues.append(Issue(path, f"Too small: expected string to have >={self.min_length} characters"))


class Cidr(Str):
    """An IPv4 or IPv6 network in CIDR notation, such as 10.0.0.0/24."""

    def validate(self, value, path, issues):
        if not isinstance(value, str):
            self.type_error(value, path, issues)
            return
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            issues.append(Issue(path, f'Invalid CIDR: "{value}" (expected an address/prefix such as 10.0.0.0/24)'))
            return
        if "/" not in value:
            issues.append(Issue(path, f'Invalid CIDR: "{value}" has no prefix length (expected e.g. {value}/32)'))


class Int(Schema):
    expected = "int"

    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def validate(self, value, path, issues):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            self.type_error(value, path, issues)
            return
        if self.minimum is not None and value < self.minimum:
            issues.append(Issue(path, f"Too small: expected number to be >={self.minimum}"))
        if self.maximum is not None and value > self.maximum:
            issues.append(Issue(path, f"Too big: expected number to be <={self.maximum}"))


class Num(Schema):
    expected = "number"

    def validate(self, value, path, issues):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.type_error(value, path, issues)


class Bool(Schema):
    expected = "boolean"

    def validate(self, value, path, issues):
        if not isinstance(value, bool):
            self.type_error(value, path, issues)


class Arr(Schema):
    expected = "array"

    def __init__(self, item: Schema):
        self.item = item

    def validate(self, value, path, issues):
        if not isinstance(value, list):
            self.type_error(value, path, issues)
            return
        for index, element in enumerate(value):
            self.item.validate(element, join_path(path, index), issues)


class Rec(Schema):
    """An object with free keys whose values all follow one schema."""

    expected = "record"

    def __init__(self, value: Schema, key_pattern: str | None = None):
        self.value = value
        self.key_pattern = re.compile(key_pattern) if key_pattern else None

    def validate(self, value, path, issues):
        if not isinstance(value, dict):
            self.type_error(value, path, issues)
            return
        for key, element in value.items():
            if self.key_pattern and not self.key_pattern.fullmatch(key):
                issues.append(Issue(join_path(path, key), f"Invalid key: must match {self.key_pattern.pattern}"))
                continue
            self.value.validate(element, join_path(path, key), issues)


class Obj(Schema):
    """A strict object: unknown keys are rejected unless a catch-all schema is given."""

    expected = "object"

    def __init__(self, fields: dict[str, Schema], required: tuple[str, ...] = (),
                 catchall: Rec | None = None):
        self.fields = fields
        self.required = required
        self.catchall = catchall

    def validate(self, value, path, issues):
        if not isinstance(value, dict):
            self.type_error(value, path, issues)
            return
        for key in self.required:
            if key not in value:
                expected = self.fields[key].expected
                issues.append(Issue(join_path(path, key), f"Invalid input: expected {expected}, received undefined"))
        for key, element in value.items():
            if key in self.fields:
                self.fields[key].validate(element, join_path(path, key), issues)
            elif self.catchall is not None:
                self.catchall.validate({key: element}, path, issues)
            else:
                issues.append(Issue(path, f'Unrecognized key: "{key}"'))


class AnyOf(Schema):
    """A value that matches at least one of several schemas."""

    def __init__(self, *options: Schema):
        self.options = options
        self.expected = " | ".join(option.expected for option in options)

    def validate(self, value, path, issues):
        for option in self.options:
            trial: list[Issue] = []
            option.validate(value, path, trial)
            if not trial:
                return
        issues.append(Issue(path, f"Invalid input: expected {self.expected}, received {type_name(value)}"))


class Opaque(Schema):
    """An object whose contents the stand-in does not check (the real schema is unknown)."""

    expected = "object"

    def validate(self, value, path, issues):
        if not isinstance(value, dict):
            self.type_error(value, path, issues)
