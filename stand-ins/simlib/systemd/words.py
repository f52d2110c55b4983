"""systemd's word splitting, C escapes, `%` specifiers and `$VAR` expansion.

These follow systemd 252 (extract_first_word, cunescape, unit_full_printf and
replace_env_argv in src/basic and src/core), for the parts a service unit uses.
"""

import os
import re
import socket

WHITESPACE = " \t\n\r"

_SIMPLE_ESCAPES = {
    "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
    "\\": "\\", '"': '"', "'": "'", "s": " ",
}


def _unescape_one(text: str, index: int, relax: bool) -> tuple[str, int]:
    """Decode the escape whose backslash is at text[index - 1]; return (chars, next index)."""
    char = text[index]
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char], index + 1
    for prefix, width in (("x", 2), ("u", 4), ("U", 8)):
        if char == prefix:
            digits = text[index + 1:index + 1 + width]
            if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
                return chr(int(digits, 16)), index + 1 + width
            break
    else:
        digits = text[index:index + 3]
        if len(digits) == 3 and all(c in "01234567" for c in digits):
            return chr(int(digits, 8)), index + 3
    # Like systemd's extract_first_word: an unknown escape is kept whole under the RELAX
    # flag (Exec*= arguments) and otherwise stands for the character itself (`\ ` is a space).
    if relax:
        return "\\" + char, index + 1
    return char, index + 1


def split_words(text: str, relax: bool = False) -> list[str]:
    """Split text into words with quotes removed and C escapes decoded.

    Quotes may open anywhere inside a word (`a"b c"` is one word `ab c`), and escapes are
    decoded inside quotes too. An unknown escape is the character itself, or with relax
    is kept as written. Raises ValueError on an unterminated quote or a trailing backslash.
    """
    words = []
    index = 0
    length = len(text)
    while True:
        while index < length and text[index] in WHITESPACE:
            index += 1
        if index >= length:
            return words
        word = []
        quote = None
        while index < length:
            char = text[index]
            if char == "\\":
                if index + 1 >= length:
                    raise ValueError(f"trailing backslash in {text!r}")
                decoded, index = _unescape_one(text, index + 1, relax)
                word.append(decoded)
                continue
            if quote:
                if char == quote:
                    quote = None
                else:
                    word.append(char)
            elif char in "'\"":
                quote = char
            elif char in WHITESPACE:
                break
            else:
                word.append(char)
            index += 1
        if quote:
            raise ValueError(f"unterminated quote in {text!r}")
        words.append("".join(word))


def split_exec_commands(text: str) -> list[list[str]]:
    """Split an Exec*= value into commands, each a list of words.

    A `;` word written unescaped separates commands, while `\\;` is a literal `;`.
    """
    # An escaped semicolon decodes to ";" like a separator would, so mark it first.
    marker = "\x00SEMICOLON\x00"
    commands = [[]]
    for word in split_words(text.replace("\\;", marker), relax=True):
        if word == ";":
            commands.append([])
        else:
            commands[-1].append(word.replace(marker, ";"))
    return [command for command in commands if command]


def _specifier_values(unit_name: str, fragment_path: str) -> dict[str, str]:
    """Return the `%` specifiers of a system service unit (systemd.unit(5), "Specifiers")."""
    prefix, _, suffix = unit_name.rpartition(".")
    prefix_name = prefix.split("@", 1)[0]
    instance = prefix.split("@", 1)[1] if "@" in prefix else ""
    try:
        with open("/etc/machine-id", encoding="ascii") as handle:
            machine_id = handle.read().strip()
    except OSError:
        machine_id = ""
    hostname = socket.gethostname()
    # The system manager runs as root, so the user specifiers describe root.
    return {
        "%": "%", "n": unit_name, "N": prefix, "p": prefix_name, "P": prefix_name,
        "i": instance, "I": instance, "j": prefix_name.rsplit("-", 1)[-1],
        "J": prefix_name.rsplit("-", 1)[-1], "f": "/" + (instance or prefix_name),
        "H": hostname, "l": hostname.split(".", 1)[0], "m": machine_id,
        "t": "/run", "S": "/var/lib", "C": "/var/cache", "L": "/var/log", "E": "/etc",
        "T": "/tmp", "V": "/var/tmp", "h": "/root", "u": "root", "U": "0", "g": "root",
        "G": "0", "s": "/bin/sh", "y": fragment_path, "Y": os.path.dirname(fragment_path),
    }


def expand_specifiers(text: str, unit_name: str, fragment_path: str) -> str:
    """Replace `%x` specifiers; raises ValueError naming an unknown or trailing specifier."""
    values = _specifier_values(unit_name, fragment_path)
    result = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "%":
            result.append(char)
            index += 1
            continue
        if index + 1 >= len(text):
            raise ValueError(f"trailing '%' in {text!r}")
        key = text[index + 1]
        if key not in values:
            raise ValueError(f"unknown specifier '%{key}' in {text!r}")
        result.append(values[key])
        index += 2
    return "".join(result)


_BRACED = re.compile(r"\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)\})")
_WHOLE_WORD = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def expand_exec_argument(word: str, environment: dict[str, str]) -> list[str]:
    """Expand one argument as systemd does: a whole-word `$VAR` becomes the value split
    into words (none when unset), `${VAR}` is replaced in place and `$$` is a literal `$`.
    """
    whole = _WHOLE_WORD.fullmatch(word)
    if whole:
        value = environment.get(whole.group(1), "")
        return split_words(value, relax=True) if value else []

    def replace(match: re.Match) -> str:
        if match.group(1) == "$":
            return "$"
        return environment.get(match.group(2), "")

    return [_BRACED.sub(replace, word)]
