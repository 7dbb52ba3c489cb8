"""Where a run happened: versions, platform, BLAS, and the code version used for reuse.

The code version is ``dlbench <version>`` plus the git commit (and a digest of the
uncommitted diff when the tree is dirty) when dlbench runs from a git checkout, else a
digest of the installed package sources. Two runs with the same config hash are only
reused if their code versions are equal, so editing the engine invalidates old results.
"""

from __future__ import annotations

import functools
import hashlib
import platform
import subprocess
from pathlib import Path

import numpy as np

from .. import __version__

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _git(*args: str, cwd: Path) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.decode("utf-8", "replace") if out.returncode == 0 else None


def _sources_digest() -> str:
    digest = hashlib.sha256()
    roots = [PACKAGE_DIR]
    plugins = PACKAGE_DIR / "plugins"
    if not plugins.exists():  # editable install: plugins/ sits beside the package
        try:
            import dlbench.plugins as builtin_plugins

            roots += [Path(p) for p in builtin_plugins.__path__]
        except ImportError:
            pass
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """``"dlbench 0.1.0+g1a2b3c4d5e6f"`` (``.dirty.<digest>`` when modified) or
    ``"dlbench 0.1.0+src.<digest>"`` outside a git checkout."""
    top = _git("rev-parse", "--show-toplevel", cwd=PACKAGE_DIR)
    if top and (Path(top.strip()) / "dlbench" / "__init__.py").resolve() == (PACKAGE_DIR / "__init__.py"):
        root = Path(top.strip())
        commit = (_git("rev-parse", "HEAD", cwd=root) or "").strip()
        if commit:
            version = f"dlbench {__version__}+g{commit[:12]}"
            diff = _git("diff", "HEAD", "--", "dlbench", "plugins", cwd=root)
            untracked = _git("ls-files", "--others", "--exclude-standard", "--", "dlbench",
                             "plugins", cwd=root)
            if diff or untracked:
                digest = hashlib.sha256((diff or "").encode())
                for name in (untracked or "").splitlines():  # new files count by content
                    path = root / name
                    digest.update(name.encode())
                    if path.is_file():
                        digest.update(path.read_bytes())
                version += f".dirty.{digest.hexdigest()[:8]}"
            return version
    return f"dlbench {__version__}+src.{_sources_digest()}"


def blas_info() -> tuple[str | None, int | None]:
    """(vendor, threads) of numpy's BLAS, through threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None, None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return pool.get("internal_api"), pool.get("num_threads")
    return None, None


def environment(plugin_versions: dict | None = None) -> dict:
    """The columns of a run row that describe where it ran."""
    vendor, threads = blas_info()
    return {
        "dlbench_version": __version__,
        "python_version": platform.python_version(),
        "numpy_version": np.__version__,
        "platform": f"{platform.platform()} ({platform.machine()})",
        "blas_vendor": vendor,
        "blas_threads": threads,
        "plugin_versions": plugin_versions or {},
    }
