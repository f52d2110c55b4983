"""A command-line parser that accepts and rejects what OpenClaw's commander.js CLI does.

Errors read like commander's: `error: unknown option '--token'`, `error: option '--port
<port>' argument missing`, `error: unknown command 'x'`, and exit status 1.
"""

from dataclasses import dataclass, field


class UsageError(Exception):
    """A command line that the CLI rejects; the message is printed as is."""


@dataclass
class Option:
    """One option, such as `--port <port>` (takes a value) or `--json` (a flag)."""

    flags: str
    help: str = ""

    @property
    def names(self) -> list[str]:
        head = self.flags.split(" <")[0].split(" [")[0]
        return [name.strip() for name in head.split(",")]

    @property
    def takes_value(self) -> bool:
        return "<" in self.flags

    @property
    def key(self) -> str:
        long_name = [name for name in self.names if name.startswith("--")][0]
        return long_name[2:]


@dataclass
class Command:
    """A command with its options, positional argument names and subcommands."""

    name: str
    help: str = ""
    options: list[Option] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)
    optional_arguments: list[str] = field(default_factory=list)
    subcommands: dict[str, "Command"] = field(default_factory=dict)
    default_subcommand: str | None = None

    def add(self, command: "Command") -> "Command":
        self.subcommands[command.name] = command
        return command

    def find_option(self, name: str) -> Option | None:
        for option in self.options:
            if name in option.names:
                return option
        return None


GLOBAL_OPTIONS = [
    Option("--profile <name>", "use the state dir ~/.openclaw-<name>"),
    Option("--dev", "use the dev profile (~/.openclaw-dev, gateway port 19001)"),
    Option("--log-level <level>", "console log level"),
    Option("--no-color", "disable colors"),
    Option("-h, --help", "show help"),
]


@dataclass
class ParsedCommand:
    """The result of parsing: the command path, option values and positional arguments."""

    path: list[str]
    command: Command
    options: dict
    arguments: list[str]


def parse_command_line(root: Command, argv: list[str]) -> ParsedCommand:
    """Parse argv against the command tree; raises UsageError like commander.js."""
    path: list[str] = []
    command = root
    options: dict = {}
    arguments: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        is_option = token.startswith("-") and token != "-"
        if command.default_subcommand and token not in command.subcommands and not (
                is_option and command.find_option(token.partition("=")[0])):
            # `openclaw gateway --port 1` means `openclaw gateway run --port 1`.
            command = command.subcommands[command.default_subcommand]
            path.append(command.name)
            continue
        index += 1
        if token == "--":
            arguments.extend(argv[index:])
            break
        if is_option:
            name, equals, inline = token.partition("=")
            option = command.find_option(name) or next(
                (candidate for candidate in GLOBAL_OPTIONS if name in candidate.names), None)
            if option is None:
                raise UsageError(f"error: unknown option '{name}'")
            if option.takes_value:
                if equals:
                    value = inline
                elif index < len(argv):
                    value = argv[index]
                    index += 1
                else:
                    raise UsageError(f"error: option '{option.flags}' argument missing")
                options[option.key] = value
            else:
                if equals:
                    raise UsageError(f"error: option '{option.flags}' does not take an argument")
                options[option.key] = True
            continue
        if command.subcommands and not arguments:
            if token not in command.subcommands:
                raise UsageError(f"error: unknown command '{token}'")
            command = command.subcommands[token]
            path.append(token)
            continue
        arguments.append(token)

    if command.default_subcommand:
        command = command.subcommands[command.default_subcommand]
        path.append(command.name)
    maximum = len(command.arguments) + len(command.optional_arguments)
    if len(arguments) > maximum:
        expected = f"{maximum} argument{'s' if maximum != 1 else ''}"
        raise UsageError(f"error: too many arguments for '{command.name}'. "
                         f"Expected {expected} but got {len(arguments)}.")
    if len(arguments) < len(command.arguments):
        raise UsageError(f"error: missing required argument '{command.arguments[len(arguments)]}'")
    return ParsedCommand(path=path, command=command, options=options, arguments=arguments)


def help_text(command: Command, path: list[str]) -> str:
    usage = " ".join(["openclaw"] + path)
    lines = [f"Usage: {usage} [options]" + (" [command]" if command.subcommands else ""), ""]
    if command.help:
        lines += [command.help, ""]
    if command.options:
        lines.append("Options:")
        lines += [f"  {option.flags:<28} {option.help}" for option in command.options]
        lines.append("")
    if command.subcommands:
        lines.append("Commands:")
        lines += [f"  {name:<28} {sub.help}" for name, sub in command.subcommands.items()]
    return "\n".join(lines)
