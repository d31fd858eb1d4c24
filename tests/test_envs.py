"""Check envs/*.yaml against requirements.txt, constraints.txt and the rules.

Reads the conda files, the pin files, workflow/rules/*.smk and the imports of
workflow/scripts/ and src/deeparrange/; writes nothing.
"""

import ast
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
ENV_FILES = sorted((ROOT / "envs").glob("*.yaml"))
# envs/embed.yaml installs the GPU build of the tensorflow-cpu release pinned
# for CPU machines; the CUDA wheels that build pulls in are pinned there alone.
SAME_RELEASE = {"tensorflow": "tensorflow-cpu"}
GPU_ONLY = re.compile(r"nvidia-.*-cu\d+")
# Build tools that conda's pip brings; constraints.txt (pip freeze) omits them.
BUILD_TOOLS = {"pip", "setuptools", "wheel"}


def read_pins() -> dict[str, str]:
    """Version of each package pinned in requirements*.txt and constraints.txt."""
    pins: dict[str, str] = {}
    for path in sorted(ROOT.glob("requirements*.txt")) + [ROOT / "constraints.txt"]:
        for line in path.read_text().splitlines():
            line = line.split("#")[0].strip()
            if not line or line.startswith("-"):
                continue
            req = Requirement(line)
            name = canonicalize_name(req.name)
            version = str(req.specifier).removeprefix("==")
            assert pins.setdefault(name, version) == version, (
                f"{path.name} pins {name}=={version}, another file {pins[name]}"
            )
    return pins


def pip_requirements(env_file: Path) -> list[Requirement]:
    """The pip: entries of a conda environment file."""
    deps = yaml.safe_load(env_file.read_text())["dependencies"]
    pip = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    return [Requirement(line) for line in (pip[0] if pip else [])]


def env_packages(env_file: Path) -> set[str]:
    """Canonical names of the packages an environment file installs with pip."""
    return {canonicalize_name(r.name) for r in pip_requirements(env_file)}


def rule_blocks() -> dict[str, str]:
    """Text of each rule in workflow/rules/*.smk, by rule name."""
    blocks = {}
    for path in sorted((ROOT / "workflow/rules").glob("*.smk")):
        parts = re.split(r"^rule (\w+):\n", path.read_text(), flags=re.M)
        blocks.update(zip(parts[1::2], parts[2::2], strict=True))
    return blocks


def directive(block: str, name: str) -> str | None:
    """The quoted value of a one-line directive such as conda: or script:."""
    match = re.search(rf'^    {name}:\n\s+"([^"]+)"', block, flags=re.M)
    return match.group(1) if match else None


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports anywhere, lazy imports included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            if node.module == "deeparrange":
                names.update(f"deeparrange.{alias.name}" for alias in node.names)
    return names


def third_party_imports(script: Path) -> set[str]:
    """Top-level third-party modules a script needs, through deeparrange."""
    seen, todo, found = set(), [script], set()
    while todo:
        for module in imported_modules(todo.pop()):
            top = module.split(".")[0]
            if top == "deeparrange":
                source = (ROOT / "src" / module.replace(".", "/")).with_suffix(".py")
                if source.is_file() and source not in seen:
                    seen.add(source)
                    todo.append(source)
            elif top not in sys.stdlib_module_names:
                found.add(top)
    return found


def test_there_is_an_env_per_stage():
    names = {path.stem for path in ENV_FILES}
    assert {"glyphs", "embed", "layout", "figures"} <= names


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_pins_match_requirements(env_file):
    pins = read_pins()
    for req in pip_requirements(env_file):
        name = canonicalize_name(req.name)
        assert str(req.specifier).startswith("=="), f"{env_file.name}: pin {req}"
        version = str(req.specifier).removeprefix("==")
        if GPU_ONLY.fullmatch(name) and env_file.stem == "embed":
            continue
        expected = pins.get(SAME_RELEASE.get(name, name))
        assert expected is not None, (
            f"{env_file.name} pins {name}, which requirements.txt and "
            "constraints.txt lack; add it there or drop it here"
        )
        assert version == expected, (
            f"{env_file.name} pins {name}=={version}, constraints.txt {expected}"
        )


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda p: p.name)
def test_env_pins_its_dependencies(env_file):
    # Anything left unpinned would be whatever is newest when the env is built.
    pinned = env_packages(env_file)
    todo, seen = sorted(pinned), set()
    while todo:
        name = todo.pop()
        if name in seen or GPU_ONLY.fullmatch(name):
            continue
        seen.add(name)
        for line in metadata.requires(SAME_RELEASE.get(name, name)) or []:
            req = Requirement(line)
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            dependency = canonicalize_name(req.name)
            assert dependency in pinned | BUILD_TOOLS, (
                f"{env_file.name}: {name} needs {dependency}; pin it as in "
                "constraints.txt"
            )
            todo.append(dependency)


def test_every_script_rule_names_an_existing_env():
    for rule, block in rule_blocks().items():
        if directive(block, "script") is None:
            continue
        env = directive(block, "conda")
        assert env is not None, f"rule {rule} has a script but no conda: env"
        assert (ROOT / "workflow/rules" / env).resolve() in ENV_FILES, (
            f"rule {rule}: conda: {env} is not one of envs/*.yaml"
        )


@pytest.mark.parametrize(
    "rule",
    [r for r, b in rule_blocks().items() if directive(b, "script") is not None],
)
def test_env_holds_what_the_rule_script_imports(rule):
    block = rule_blocks()[rule]
    script = (ROOT / "workflow/rules" / directive(block, "script")).resolve()
    env_file = (ROOT / "workflow/rules" / directive(block, "conda")).resolve()
    assert script.is_file(), f"rule {rule}: script {script} does not exist"
    installs = env_packages(env_file)
    distributions = metadata.packages_distributions()
    for module in sorted(third_party_imports(script)):
        names = {canonicalize_name(d) for d in distributions.get(module, [module])}
        names |= {k for k, v in SAME_RELEASE.items() if v in names}
        assert names & installs, (
            f"rule {rule} imports {module}, which {env_file.name} does not install"
        )
