"""openimapi.mmc is sans-I/O: importing it loads no I/O module, and its source opens no
file, starts no thread and reads no clock."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import openimapi.mmc

#: modules whose presence would mean the codec does I/O (or could)
IO_MODULES = frozenset(
    {
        "socket",
        "_socket",
        "fcntl",
        "ctypes",
        "_ctypes",
        "threading",
        "_thread",
        "subprocess",
        "select",
        "selectors",
        "mmap",
        "asyncio",
        "multiprocessing",
        "signal",
        "pathlib",
        "tempfile",
        "shutil",
        "time",
        "openimapi.transport",
        "openimapi.virtual",
    }
)

_SCRIPT = """
import json, sys
sys.path.insert(0, {src!r})
{imports}
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(imports: str) -> set[str]:
    script = _SCRIPT.format(src=str(Path(openimapi.mmc.__file__).parents[2]), imports=imports)
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout))


def test_import_mmc_loads_no_io_module() -> None:
    baseline = _modules_after("")
    loaded = _modules_after("import openimapi.mmc, openimapi.mmc.spc, openimapi.mmc.sense_map, openimapi.mmc.vpd")
    new = loaded - baseline
    assert "openimapi.mmc.spc" in new  # the probe did import the codec
    offending = {m for m in new if m in IO_MODULES or m.split(".")[0] in IO_MODULES}
    assert not offending, f"openimapi.mmc imports I/O modules: {sorted(offending)}"


_FORBIDDEN_CALLS = {"open", "input", "print", "exec", "eval", "__import__"}
_FORBIDDEN_IMPORTS = IO_MODULES | {"os", "io", "sys"}


def test_mmc_source_has_no_io_calls() -> None:
    """Static check of every module of the package: no builtin open()/print(), and no
    import of os, io, sys or an I/O module (a lazily imported one would escape the
    runtime check above)."""
    package = Path(openimapi.mmc.__file__).parent
    sources = sorted(package.glob("*.py"))
    assert len(sources) >= 5
    problems = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FORBIDDEN_CALLS:
                problems.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in _FORBIDDEN_IMPORTS or name in _FORBIDDEN_IMPORTS:
                    problems.append(f"{path.name}:{node.lineno} imports {name}")
    assert not problems, problems
