"""Every code block in README.md is executed, so that the README cannot drift from the code.

README.md is split into fenced blocks, and each block is handled by the rule for its language:

* ``python``: a block right after ``<!-- include: examples/test_x.py -->`` must be that file,
  verbatim (the suite runs the file: ``examples`` is a test path). Any other block that defines
  tests becomes a test module of its own in a temporary project, and all of them run in one
  pytest run with this project's strictness (``filterwarnings = error``, strict markers): each
  must collect at least one test, and every test must pass, or fail if the block follows
  ``<!-- expect: failed -->``. A block that defines no test is run as a script, and must exit 0.
* ``text``: output of the Python block right before it. Its lines must appear, together and in
  order, in that run's output; times and abbreviated ids may differ.
* ``toml``: pytest settings. They become the ``pyproject.toml`` of a project whose one test
  checks, under ``--strict-config``, that every ``glacier_*`` setting given reaches the mock.
* ``bash``: the first block of the README must be the first two commands of ``.ci/run`` (which
  CI runs). Any other is run, line by line, by :class:`Shell`, which knows only the commands
  the README uses and refuses any other, naming its line.

Any other block, one without a language included, fails ``test_every_block_has_a_rule``.
"""

from __future__ import annotations

import ast
import functools
import itertools
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"

# -- parsing ---------------------------------------------------------------------------------------

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ANNOTATION = re.compile(r"^<!--\s*(?P<key>[\w-]+)\s*:\s*(?P<value>.*?)\s*-->$")


class ReadmeError(Exception):
    """README.md cannot be parsed into blocks."""


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it starts, its language, its code, its annotation."""

    line: int  # of the opening fence, counting from 1
    language: str
    code: str
    annotation: tuple[str, str] | None = None  # ("include", "examples/x.py") from <!-- k: v -->

    @property
    def where(self) -> str:
        return f"README.md line {self.line}"


@dataclass
class Markdown:
    blocks: list[Block] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)  # lines outside blocks


def parse(text: str) -> Markdown:
    """Split Markdown into fenced blocks and the prose around them."""
    result = Markdown()
    lines = text.splitlines()
    number = 0
    while number < len(lines):
        line = lines[number]
        opening = _FENCE.match(line)
        if opening is None:
            if line.startswith("    ") and line.strip() and number and not lines[number - 1]:
                raise ReadmeError(
                    f"README.md line {number + 1}: an indented code block; use a fenced block "
                    "with a language, so that it is executed"
                )
            result.prose.append((number + 1, line))
            number += 1
            continue
        fence, info = opening["fence"], opening["info"].strip()
        end = number + 1
        while end < len(lines) and not re.fullmatch(
            rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", lines[end]
        ):
            end += 1
        if end == len(lines):
            raise ReadmeError(f"README.md line {number + 1}: the code block is never closed")
        result.blocks.append(
            Block(
                line=number + 1,
                language=info.split()[0] if info else "",
                code="".join(f"{code}\n" for code in lines[number + 1 : end]),
                annotation=_annotation_before(lines, number),
            )
        )
        number = end + 1
    return result


def _annotation_before(lines: list[str], fence: int) -> tuple[str, str] | None:
    before = fence - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    found = _ANNOTATION.match(lines[before].strip()) if before >= 0 else None
    return (found["key"], found["value"]) if found else None


# -- rules -----------------------------------------------------------------------------------------

CI = "checked against .ci/run"
SHELL = "run by the shell"
INCLUDE = "the included example file"
TESTS = "run as tests"
SCRIPT = "run as a script"
OUTPUT = "output of the block before"
SETTINGS = "run as pytest settings"


def defines_tests(code: str) -> bool:
    """Whether Python code defines a test pytest collects (``test_*`` function, ``Test*`` class)."""
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            return True
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            return True
    return False


def rule_for(block: Block, previous: tuple[Block, str] | None) -> str:
    """The rule that executes ``block``; ``ValueError`` naming the block when there is none.

    ``previous`` is the block before it and its rule (None for the first block of the README).
    """
    key, value = block.annotation or ("", "")
    if block.language == "bash" and not key:
        return CI if previous is None else SHELL
    if block.language == "python":
        if key == "include":
            return INCLUDE
        try:
            has_tests = defines_tests(block.code)
        except SyntaxError as error:
            raise ValueError(f"{block.where}: the Python does not parse: {error}") from None
        if key == "expect" and value == "failed" and has_tests:
            return TESTS
        if not key:
            return TESTS if has_tests else SCRIPT
    if block.language == "text" and not key:
        if previous is not None and previous[1] == TESTS:
            return OUTPUT
        raise ValueError(
            f"{block.where}: a text block must show the output of the Python test block right "
            "before it"
        )
    if block.language == "toml" and not key:
        return SETTINGS
    annotation = f" after <!-- {key}: {value} -->" if key else ""
    raise ValueError(
        f"{block.where}: no rule executes a {block.language or 'plain'!r} block{annotation}; "
        "use a language tests/docs/test_readme.py runs (python, bash, toml, text), or add a rule"
    )


def plan(blocks: list[Block]) -> tuple[list[tuple[Block, str]], list[str]]:
    """Each block with its rule, and the problems with the blocks that have none."""
    planned: list[tuple[Block, str]] = []
    problems = []
    for block in blocks:
        rule = _rule_or_problem(block, planned[-1] if planned else None)
        if isinstance(rule, ValueError):
            problems.append(str(rule))
        else:
            planned.append((block, rule))
    return planned, problems


def _rule_or_problem(block: Block, previous: tuple[Block, str] | None) -> str | ValueError:
    try:
        return rule_for(block, previous)
    except ValueError as problem:
        return problem


@functools.cache
def readme_plan() -> tuple[tuple[Block, str], ...]:
    """The README's blocks with their rules, read once for every test that asks."""
    return tuple(plan(parse(README.read_text()).blocks)[0])


def blocks_with(rule: str) -> list[Block]:
    return [block for block, block_rule in readme_plan() if block_rule == rule]


def params(rule: str) -> list[object]:
    """The README's blocks of one rule, as parameters named by their line."""
    return [pytest.param(block, id=f"line-{block.line}") for block in blocks_with(rule)]


# -- running Python blocks -------------------------------------------------------------------------

PYTEST_SETTINGS = """\
[pytest]
addopts = --strict-markers --strict-config
filterwarnings = error
xfail_strict = true
asyncio_default_fixture_loop_scope = function
"""
"""This project's own strictness (pyproject.toml), for the README's tests too."""

OUTCOME_RECORDER = """\
import json


def _record(report, when):
    with open("readme-outcomes.jsonl", "a") as out:
        out.write(json.dumps([report.nodeid, when, report.outcome]) + "\\n")


def pytest_collectreport(report):
    _record(report, "collect")


def pytest_runtest_logreport(report):
    _record(report, report.when)
"""
"""A conftest.py that writes down every report, so outcomes can be traced back to blocks."""

QUIET = ("-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:hypothesispytest")
"""For the pytest runs here: a fixed order, no cache to share, and no hypothesis plugin, which
the README's code does not use and which would double the time each run takes to start."""


def module_of(block: Block) -> str:
    return f"test_readme_line_{block.line}"


def clean_environment(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """No AWS settings of the machine's: the README's code runs as on a fresh one."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "no-aws-credentials"))
    # The environment's scripts (the AWS CLI, `aws`) on PATH, as in an activated virtualenv.
    scripts = str(Path(sys.executable).parent)
    monkeypatch.setenv("PATH", os.pathsep.join([scripts, os.environ.get("PATH", "")]))


def run_test_blocks(
    pytester: pytest.Pytester, blocks: list[Block]
) -> tuple[list[str], pytest.RunResult]:
    """Run the blocks, one test module each, in one pytest run; the problems, and the run."""
    pytester.makeini(PYTEST_SETTINGS)
    pytester.makeconftest(OUTCOME_RECORDER)
    for block in blocks:
        pytester.makepyfile(**{module_of(block): block.code})
    result = pytester.runpytest_subprocess(*QUIET, "-rA", "--continue-on-collection-errors")
    recorded = pytester.path / "readme-outcomes.jsonl"
    if not recorded.exists():
        return [f"pytest did not run the README's tests (exit {result.ret})"], result
    reports = recorded.read_text().splitlines()
    outcomes: dict[str, dict[str, str]] = {}  # nodeid -> {phase: outcome}
    for nodeid, phase, outcome in map(json.loads, reports):
        outcomes.setdefault(nodeid, {})[phase] = outcome
    return [problem for block in blocks for problem in _check_block(block, outcomes)], result


def _check_block(block: Block, outcomes: Mapping[str, Mapping[str, str]]) -> Iterator[str]:
    file = f"{module_of(block)}.py"
    mine = {
        nodeid: phases
        for nodeid, phases in outcomes.items()
        if nodeid == file or nodeid.startswith(f"{file}::")
    }
    if any(phases.get("collect") == "failed" for phases in mine.values()):
        yield f"{block.where}: the block does not import (see the output)"
        return
    tests = {nodeid: phases for nodeid, phases in mine.items() if "setup" in phases}
    if not tests:
        yield f"{block.where}: pytest collected no test from the block"
    expected = "failed" if block.annotation == ("expect", "failed") else "passed"
    for nodeid, phases in sorted(tests.items()):
        setup, call = phases.get("setup"), phases.get("call")
        teardown = phases.get("teardown", "passed")
        if (setup, call, teardown) != ("passed", expected, "passed"):
            got = ", ".join(f"{phase} {outcome}" for phase, outcome in phases.items())
            name = nodeid.split("::", 1)[1]
            yield f"{block.where}: {name} should have {expected}: {got}"


_VARYING = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"), "<time>"),  # the clock ticks
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{12}\.\.\."), "<id>..."),  # a shortened id
]


def _normalized(text: str) -> list[str]:
    lines = []
    for line in text.strip("\n").splitlines():
        normalized = line.rstrip()
        for pattern, placeholder in _VARYING:
            normalized = pattern.sub(placeholder, normalized)
        lines.append(normalized)
    return lines


def shows(output: str, expected: str) -> bool:
    """Whether ``expected``'s lines appear in ``output``, together and in order."""
    want, have = _normalized(expected), _normalized(output)
    return any(have[start : start + len(want)] == want for start in range(len(have)))


# -- the shell -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    line: int
    words: list[str]
    assignments: dict[str, str]  # NAME=value words before the command
    background: bool


class Shell:
    """Runs a README shell block, line by line, from the repository's root.

    It knows the commands the README uses and no other: ``python -m pytest_glacier serve``
    (in the background, with ``&``: its endpoint URL is read from its first line of output; a
    ``--port`` is replaced by a free one, and the URL it stood for by the real one everywhere
    after), ``export NAME=value ...``, ``aws ...`` (the AWS CLI of this environment),
    ``kill %N`` (which must stop that background job cleanly) and ``python -m pytest ...``.
    ``python`` is this interpreter, whatever its path in the README. Every command must succeed.
    """

    PYTHONS = ("python", "python3", ".venv/bin/python")

    def __init__(self, block: Block, environment: Mapping[str, str]) -> None:
        self.block = block
        self.environment = dict(environment)
        self.jobs: list[subprocess.Popen[str]] = []
        self.endpoints: dict[str, str] = {}  # URL written in the README -> URL in use
        self.commands = list(self._parse())

    def _parse(self) -> Iterator[Command]:
        pending, start = "", 0
        for offset, text in enumerate(self.block.code.splitlines(), self.block.line + 1):
            if not pending:
                start = offset
            if text.rstrip().endswith("\\"):
                pending += text.rstrip()[:-1] + " "
                continue
            words, pending = shlex.split(pending + text, comments=True), ""
            if not words:
                continue
            background = words[-1] == "&"
            words = words[:-1] if background else words
            assignments = {}
            while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]) and words[0] != "export":
                name, value = words.pop(0).split("=", 1)
                assignments[name] = value
            command = Command(start, words, assignments, background)
            self._check(command)
            yield command

    def _check(self, command: Command) -> None:
        words = command.words
        known = (
            (words[:1] == ["export"] and not command.background)
            or (words[:1] == ["aws"] and not command.background)
            or (len(words) == 2 and words[0] == "kill" and re.fullmatch(r"%\d+", words[1]))
            or (
                words[0] in self.PYTHONS
                and (
                    (words[1:4] == ["-m", "pytest_glacier", "serve"] and command.background)
                    or (words[1:3] == ["-m", "pytest"] and not command.background)
                )
            )
        )
        if not known:
            raise ValueError(
                f"README.md line {command.line}: the README test does not know how to run "
                f"{shlex.join(words)!r}{' &' if command.background else ''}; add it to "
                "tests/docs/test_readme.py's Shell"
            )

    def run(self) -> None:
        try:
            for command in self.commands:
                self._run(command)
        finally:
            for job in self.jobs:
                if job.poll() is None:
                    job.kill()
                    job.wait()
                job.stdout.close() if job.stdout else None

    def _substitute(self, word: str) -> str:
        for written, actual in self.endpoints.items():
            word = word.replace(written, actual)
        return word

    def _run(self, command: Command) -> None:
        words = [self._substitute(word) for word in command.words]
        assignments = {name: self._substitute(v) for name, v in command.assignments.items()}
        where = f"README.md line {command.line}"
        if words[0] == "export":
            for word in words[1:]:
                name, _, value = word.partition("=")
                self.environment[name] = value
            return
        if words[0] == "kill":
            job = self.jobs[int(words[1][1:]) - 1]
            job.send_signal(signal.SIGTERM)
            assert job.wait(timeout=30) == 0, f"{where}: the job did not stop cleanly"
            return
        python = [sys.executable, *(["-P"] if getattr(sys.flags, "safe_path", False) else [])]
        if words[0] == "aws":
            argv = [*python, "-m", "awscli", *words[1:]]
        elif words[2] == "pytest":
            argv = [*python, *words[1:], *QUIET, "-q"]
        else:
            self._serve(command, [*python, *words[1:]])
            return
        environment = {**self.environment, **assignments}
        completed = subprocess.run(
            argv,
            check=False,
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert completed.returncode == 0, (
            f"{where}: {shlex.join(command.words)} exited {completed.returncode}\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )

    def _serve(self, command: Command, argv: list[str]) -> None:
        port = None
        for index, word in enumerate(argv):
            if word == "--port":
                port, argv[index + 1] = argv[index + 1], "0"
            elif word.startswith("--port="):
                port, argv[index] = word.partition("=")[2], "--port=0"
        with tempfile.TemporaryFile(mode="w+") as errors:  # the child keeps its own copy
            job = subprocess.Popen(
                argv,
                env={**self.environment, **command.assignments},
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
            self.jobs.append(job)
            first_line: list[str] = []
            reader = threading.Thread(target=lambda: first_line.append(_readline(job)), daemon=True)
            reader.start()
            reader.join(timeout=60)
            endpoint = first_line[0].strip() if first_line else "nothing within a minute"
            errors.seek(0)
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", endpoint), (
                f"README.md line {command.line}: the server printed {endpoint!r}, not its URL\n"
                f"{errors.read()}"
            )
        if port is not None:
            self.endpoints[f"http://127.0.0.1:{port}"] = endpoint


def _readline(job: subprocess.Popen[str]) -> str:
    assert job.stdout is not None
    return job.stdout.readline()


# -- the README's blocks ---------------------------------------------------------------------------


def test_every_block_has_a_rule() -> None:
    blocks = parse(README.read_text()).blocks
    planned, problems = plan(blocks)
    assert not problems, "\n".join(problems)
    unused = {CI, SHELL, INCLUDE, TESTS, SCRIPT, OUTPUT, SETTINGS} - {rule for _, rule in planned}
    assert not unused, f"no README block is {', '.join(sorted(unused))}: drop those tests"
    for block, rule in planned:  # the shell refuses a command it does not know before running
        if rule == SHELL:
            Shell(block, {})


def test_the_first_block_is_what_ci_runs() -> None:
    first = parse(README.read_text()).blocks[0]
    ci_commands = [
        line
        for line in CI_RUN.read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    readme_commands = [shlex.split(line, comments=True) for line in first.code.splitlines()]
    assert first.language == "bash"
    assert readme_commands == [shlex.split(line) for line in ci_commands[:2]]


def test_the_install_command_names_this_distribution() -> None:
    name = re.search(r'^name = "(.+)"$', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert name is not None
    assert f"`pip install {name[1]}`" in README.read_text()


@pytest.mark.parametrize("block", params(INCLUDE))
def test_included_blocks_are_their_example_files(block: Block) -> None:
    assert block.annotation is not None
    path = ROOT / block.annotation[1]
    assert path.parent.parts[: len(ROOT.parts) + 1] == (*ROOT.parts, "examples"), (
        f"{block.where}: include only files under examples/, which the suite runs"
    )
    assert path.name.startswith("test_"), f"{block.where}: {path.name} is not a test module"
    assert block.code == path.read_text(), (
        f"{block.where} differs from {block.annotation[1]}: copy the file into the README"
    )


def test_python_test_blocks_pass(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_environment(monkeypatch, pytester.path)
    blocks = blocks_with(TESTS)
    problems, result = run_test_blocks(pytester, blocks)
    output = result.stdout.str()
    planned = readme_plan()
    for (block, rule), (following, following_rule) in itertools.pairwise(planned):
        if rule == TESTS and following_rule == OUTPUT and not shows(output, following.code):
            problems.append(
                f"{following.where}: the output of the block at line {block.line} differs"
            )
    assert not problems, "\n".join([*problems, "", output[-20000:]])


@pytest.mark.parametrize("block", params(SCRIPT))
def test_python_scripts_run(
    block: Block, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_environment(monkeypatch, pytester.path)
    script = pytester.makepyfile(**{f"readme_line_{block.line}": block.code})
    result = pytester.runpython(script)
    assert result.ret == 0, f"{block.where}: the script failed\n{result.stderr.str()}"


SETTINGS_CHECK = """\
from pytest_glacier.plugin import INI_OPTIONS


def test_each_glacier_setting_reaches_the_mock(glacier_mock, request):
    given = {name: request.config.getini(name) for name in INI_OPTIONS}
    given = {name: value for name, value in given.items() if value not in (None, "")}
    assert given, "no glacier_* setting is given"
    for name, value in given.items():
        assert getattr(glacier_mock.options, INI_OPTIONS[name][0]) == value, name
"""


@pytest.mark.parametrize("block", params(SETTINGS))
def test_settings_blocks_configure_the_mock(
    block: Block, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_environment(monkeypatch, pytester.path)
    pytester.makefile(".toml", pyproject=block.code)
    pytester.makepyfile(test_settings=SETTINGS_CHECK)
    result = pytester.runpytest_subprocess(*QUIET, "-p", "no:asyncio", "--strict-config")
    assert result.parseoutcomes() == {"passed": 1}, f"{block.where}\n{result.stdout.str()}"


@pytest.mark.parametrize("block", params(SHELL))
def test_shell_blocks_run(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch, tmp_path)
    Shell(block, os.environ).run()


def test_links_lead_somewhere() -> None:
    markdown = parse(README.read_text())
    anchors: set[str] = set()
    for _, line in markdown.prose:
        heading = re.match(r"#{1,6} (.+)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading[1].lower()).replace(" ", "-")
            anchors.add(slug if slug not in anchors else f"{slug}-1")
    for number, line in markdown.prose:
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            if target.startswith("#"):
                assert target[1:] in anchors, f"README.md line {number}: no heading {target}"
            elif "://" not in target:
                assert (ROOT / target).exists(), f"README.md line {number}: no file {target}"


# -- the rules themselves --------------------------------------------------------------------------

SAMPLE = """\
# Title

```bash
echo install
```

<!-- include: examples/test_quickstart.py -->
```python
x = 1
```

Prose.

````python
def test_x():
    pass
````

```
untagged
```

~~~ruby
puts 1
~~~
"""


def test_the_parser_finds_blocks_their_lines_languages_and_annotations() -> None:
    blocks = parse(SAMPLE).blocks
    assert [(b.line, b.language, b.annotation) for b in blocks] == [
        (3, "bash", None),
        (8, "python", ("include", "examples/test_quickstart.py")),
        (14, "python", None),
        (19, "", None),
        (23, "ruby", None),
    ]
    assert blocks[2].code == "def test_x():\n    pass\n"


def test_blocks_without_a_rule_are_named_by_line() -> None:
    planned, problems = plan(parse(SAMPLE).blocks)
    assert [rule for _, rule in planned] == [CI, INCLUDE, TESTS]
    assert len(problems) == 2
    assert problems[0].startswith("README.md line 19: no rule executes a 'plain' block")
    assert problems[1].startswith("README.md line 23: no rule executes a 'ruby' block")


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("```python\nprint(1)\n", "line 1: the code block is never closed"),
        ("Text.\n\n    indented = True\n", "line 3: an indented code block"),
    ],
)
def test_malformed_markdown_is_refused(markdown: str, message: str) -> None:
    with pytest.raises(ReadmeError, match=message):
        parse(markdown)


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("```bash\necho 1\n```\n\n```text\nout\n```\n", "line 5: a text block must show"),
        ("```bash\necho\n```\n<!-- include: x.py -->\n```bash\nls\n```\n", "line 5: no rule"),
        ("```bash\necho\n```\n<!-- expect: passed -->\n```python\n1\n```\n", "line 5: no rule"),
        ("```bash\necho\n```\n```python\ndef (:\n```\n", "line 4: the Python does not parse"),
    ],
)
def test_misplaced_blocks_have_no_rule(markdown: str, message: str) -> None:
    _, problems = plan(parse(markdown).blocks)
    assert len(problems) == 1
    assert message in problems[0]


def test_the_shell_refuses_commands_it_does_not_know() -> None:
    block = Block(10, "bash", "aws glacier list-vaults\nrm -rf build   # cleanup\n")
    with pytest.raises(ValueError, match=r"README.md line 12: .* 'rm -rf build'"):
        Shell(block, {})
    background = Block(10, "bash", "python -m pytest &\n")
    with pytest.raises(ValueError, match=r"line 11: .* 'python -m pytest' &"):
        Shell(background, {})


def test_the_shell_joins_continued_lines_and_reads_assignments() -> None:
    block = Block(1, "bash", "A=1 B=2 aws glacier \\\n    list-vaults   # all\n")
    [command] = Shell(block, {}).commands
    assert command == Command(2, ["aws", "glacier", "list-vaults"], {"A": "1", "B": "2"}, False)


def test_a_failing_shell_command_fails_the_block(tmp_path: Path) -> None:
    block = Block(7, "bash", "aws glacier no-such-command\n")
    with pytest.raises(AssertionError, match=r"README\.md line 8: aws glacier no-such-command"):
        Shell(block, {**os.environ, "HOME": str(tmp_path)}).run()


def test_output_is_matched_line_by_line_whatever_the_time_and_ids() -> None:
    output = "header\nCalls (1):\n  1. 2030-01-01 09:00:03  archive abcdefghijkl... stored\nend\n"
    assert shows(output, "Calls (1):\n  1. 2030-01-01 09:00:00  archive ZYXWVUTSRQPO... stored\n")
    assert not shows(output, "Calls (1):\nend\n")  # not together
    assert not shows(output, "Calls (2):\n")


def test_test_blocks_that_fail_or_hold_no_test_are_reported(pytester: pytest.Pytester) -> None:
    blocks = [
        Block(3, "python", "def test_ok():\n    pass\n"),
        Block(9, "python", "def test_broken(glacier_mock):\n    assert glacier_mock.calls\n"),
        Block(15, "python", "import no_such_module\n\ndef test_x():\n    pass\n"),
        Block(21, "python", "def helper():\n    pass\n"),
        Block(27, "python", "def test_fails():\n    assert False\n", ("expect", "failed")),
        Block(33, "python", "def test_passes():\n    pass\n", ("expect", "failed")),
    ]
    problems, _ = run_test_blocks(pytester, blocks)
    assert problems == [
        (
            "README.md line 9: test_broken should have passed: setup passed, call failed, "
            "teardown passed"
        ),
        "README.md line 15: the block does not import (see the output)",
        "README.md line 21: pytest collected no test from the block",
        (
            "README.md line 33: test_passes should have failed: setup passed, call passed, "
            "teardown passed"
        ),
    ]
