"""``dlbench plugins new KIND NAME``: write a ready-to-install plugin package.

For ``new optimizer my-opt`` in ``DIR`` (default: the current folder)::

    DIR/my-opt/
      pyproject.toml                 setuptools; depends on dlbench; entry point in group dlbench
      README.md                      install, test, check, benchmark
      src/dlbench_my_opt/__init__.py a working template implementation + its registration
      tests/test_dlbench_my_opt.py   a hand-computed test and the ``dlbench_check`` fixture

The templates (``templates/*.tmpl``, shipped as package data) use ``string.Template``
placeholders: ``${name}`` (kebab-case, what users type), ``${module}`` (the import name),
``${cls}`` (the class), ``${dist}`` (the distribution), ``${kind}``, ``${hook}``,
``${dlbench_version}``, ``${summary}``, ``${benchmark}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from .. import __version__
from ..errors import UsageError
from ..hookspecs import REGISTRATION_HOOKS
from ..plugin_registry import normalize_kind

#: kind -> (one-line summary of the template, how to benchmark it)
TEMPLATES: dict[str, tuple[str, str]] = {
    "optimizer": ("SGD with heavy-ball momentum (a template to edit)",
                  "dlbench run convergence --optimizer ${name},adam"),
    "activation": ("Swish-β activation x·σ(βx) (a template to edit)",
                   "dlbench run vanishing-gradients --activation ${name},relu"),
    "regularizer": ("L2 penalty on the weights (a template to edit)",
                    "dlbench run overfitting --regularizer ${name},l2"),
    "loss": ("Huber loss (a template to edit)", "dlbench check loss ${name}"),
    "initializer": ("Scaled normal initializer gain/√fan_in (a template to edit)",
                    "dlbench run weight-init --initializer ${name},he"),
}
KINDS = tuple(TEMPLATES)
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
HOOKS = {kind: hook for hook, kind in REGISTRATION_HOOKS.items()}


@dataclass(frozen=True)
class PluginNames:
    """The names a plugin package needs, all derived from the kebab-case ``name``."""

    name: str    # my-opt: what users type, the registered name and the entry point
    module: str  # dlbench_my_opt: the import name
    cls: str     # MyOpt: the class
    dist: str    # dlbench-my-opt: the distribution pip installs

    @classmethod
    def of(cls, name: str) -> "PluginNames":
        if not NAME_RE.match(name or ""):
            raise UsageError(f"plugin name {name!r} must be lowercase kebab-case starting with a "
                             "letter, like 'my-opt' or 'swish2'")
        parts = name.split("-")
        return cls(name, "dlbench_" + "_".join(parts),
                   "".join(p[:1].upper() + p[1:] for p in parts), "dlbench-" + name)


def _render(template: str, values: dict[str, str]) -> str:
    text = resources.files(__name__).joinpath("templates", template).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def create_plugin(kind: str, name: str, parent: str | Path = ".") -> tuple[Path, list[Path]]:
    """Write the package for a ``kind`` plugin called ``name`` into ``parent/name``.

    :raises UsageError: unknown kind, a name that is not kebab-case, or an existing target.
    :return: the package folder and the files written (relative to it).
    """
    kind = normalize_kind(kind)
    if kind not in TEMPLATES:
        raise UsageError(f"cannot make a template for kind {kind!r}; kinds: {', '.join(KINDS)}")
    names = PluginNames.of(name)
    target = Path(parent) / name
    if target.exists():
        raise UsageError(f"{target} already exists; choose another NAME or --dir")
    summary, benchmark = TEMPLATES[kind]
    values = {"name": names.name, "module": names.module, "cls": names.cls, "dist": names.dist,
              "kind": kind, "hook": HOOKS[kind], "dlbench_version": __version__,
              "summary": summary}
    values["benchmark"] = Template(benchmark).substitute(values)
    files = {
        Path("pyproject.toml"): _render("pyproject.toml.tmpl", values),
        Path("README.md"): _render("README.md.tmpl", values),
        Path("src") / names.module / "__init__.py": _render(f"{kind}.py.tmpl", values),
        Path("tests") / f"test_{names.module}.py": _render(f"test_{kind}.py.tmpl", values),
    }
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target, list(files)
