"""pressrun and its demo package, found for the bench scripts.

pressrun.demo needs nothing from the rest of pressrun, so when pressrun
itself does not import (native module not built, or a work tree in flux) the
demo is loaded straight from engine/pressrun/demo: the reference renderers
keep working without the engine.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ENGINE_DIR = Path(__file__).resolve().parents[1] / "engine"


def load_demo(needs: str = "iter_letter_batches") -> ModuleType:
    """pressrun.demo, with `needs` among its names.

    An installed pressrun older than this work tree may lack a newer workload
    (the statements): its demo is then passed over for the work tree's.
    """
    try:
        demo = importlib.import_module("pressrun.demo")
        if hasattr(demo, needs):
            return demo
        return _load_standalone(ENGINE_DIR / "pressrun" / "demo")
    except ImportError:
        pass
    if str(ENGINE_DIR) not in sys.path:  # not installed: try the work tree
        sys.path.insert(0, str(ENGINE_DIR))
        try:
            return importlib.import_module("pressrun.demo")
        except ImportError:
            pass
    for name in [m for m in sys.modules if m == "pressrun" or m.startswith("pressrun.")]:
        del sys.modules[name]  # drop the half-imported package
    return _load_standalone(ENGINE_DIR / "pressrun" / "demo")


def _load_standalone(package_dir: Path) -> ModuleType:
    name = "_pressrun_demo_standalone"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def import_pressrun() -> ModuleType:
    """The installed pressrun, else the one in this work tree (built in place)."""
    try:
        return importlib.import_module("pressrun")
    except ModuleNotFoundError as error:
        if error.name != "pressrun":
            raise
    if str(ENGINE_DIR) not in sys.path:
        sys.path.insert(0, str(ENGINE_DIR))
    return importlib.import_module("pressrun")
