"""Parse the JSON5 subset that OpenClaw config files commonly use: JSON plus comments
(`//` and `/* */`) and trailing commas. Unquoted keys and single-quoted strings are not
supported and fail as invalid JSON.
"""

import json


def _skip_blanks(text: str, index: int) -> int:
    """Return the index of the next character that is neither whitespace nor in a comment."""
    while index < len(text):
        if text[index] in " \t\r\n":
            index += 1
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = len(text) if end < 0 else end + 2
        else:
            break
    return index


def strip_json5_extras(text: str) -> str:
    """Return text with comments removed and trailing commas before `}` or `]` dropped."""
    output = []
    index = 0
    length = len(text)
    in_string = False
    while index < length:
        char = text[index]
        if in_string:
            output.append(char)
            if char == "\\" and index + 1 < length:
                output.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                in_string = False
            index += 1
            continue
        if char == '"':
            in_string = True
            output.append(char)
            index += 1
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            if end < 0:
                raise ValueError("unterminated /* comment")
            # Keep line breaks so JSON error positions still match the file.
            output.append("\n" * text.count("\n", index, end))
            index = end + 2
        elif char == ",":
            lookahead = _skip_blanks(text, index + 1)
            if lookahead < length and text[lookahead] in "}]":
                index += 1
            else:
                output.append(char)
                index += 1
        else:
            output.append(char)
            index += 1
    return "".join(output)


def loads(text: str):
    """Parse JSON with comments and trailing commas; raises ValueError with line and column."""
    return json.loads(strip_json5_extras(text))
