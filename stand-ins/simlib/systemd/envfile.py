"""Read EnvironmentFile= files the way systemd 252 does (parse_env_file_internal).

Lines are `KEY=VALUE`. Lines starting with `#` or `;` are comments. A value may be
single-quoted (literal) or double-quoted (backslash escapes `"`, `\\`, `` ` ``, `$` and
newline). A backslash at the end of a line continues it. Unquoted values lose
trailing whitespace. Assignments with an invalid name are skipped with a warning.
"""

import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_environment_file(text: str, warnings: list[str] | None = None) -> dict[str, str]:
    """Return the assignments in text, later ones overriding earlier ones."""
    result: dict[str, str] = {}
    state = "pre_key"
    key: list[str] = []
    value: list[str] = []
    last_value_whitespace = None

    def assign() -> None:
        name = "".join(key).strip()
        text_value = "".join(value)
        if last_value_whitespace is not None:
            text_value = text_value[:last_value_whitespace]
        if _NAME.fullmatch(name):
            result[name] = text_value
        elif warnings is not None:
            warnings.append(f"Invalid variable name {name!r} in environment file, ignoring")

    for char in text + "\n":
        if state == "pre_key":
            if char in "#;":
                state = "comment"
            elif not char.isspace():
                key, value, last_value_whitespace = [char], [], None
                state = "key"
        elif state == "key":
            if char == "\n":
                state = "pre_key"
            elif char == "=":
                state = "pre_value"
            else:
                key.append(char)
        elif state == "pre_value":
            if char == "\n":
                assign()
                state = "pre_key"
            elif char == "'":
                state = "single_quote"
            elif char == '"':
                state = "double_quote"
            elif char == "\\":
                state = "value_escape"
            elif not char.isspace():
                value.append(char)
                state = "value"
        elif state == "value":
            if char == "\n":
                assign()
                state = "pre_key"
            elif char == "\\":
                state = "value_escape"
                last_value_whitespace = None
            else:
                if char.isspace():
                    if last_value_whitespace is None:
                        last_value_whitespace = len(value)
                else:
                    last_value_whitespace = None
                value.append(char)
        elif state == "value_escape":
            if char != "\n":
                value.append(char)
            state = "value"
        elif state == "single_quote":
            if char == "'":
                state = "pre_value"
            else:
                value.append(char)
        elif state == "double_quote":
            if char == '"':
                state = "pre_value"
            elif char == "\\":
                state = "double_quote_escape"
            else:
                value.append(char)
        elif state == "double_quote_escape":
            if char in '"\\`$':
                value.append(char)
            elif char != "\n":
                value.extend(("\\", char))
            state = "double_quote"
        elif state == "comment":
            if char == "\\":
                state = "comment_escape"
            elif char == "\n":
                state = "pre_key"
        elif state == "comment_escape":
            state = "comment"
    return result
