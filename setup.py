"""Builds the wheel with the app's files inside the package (settings are in pyproject.toml).

The project keeps ``rubrics/``, ``data/``, ``streamlit_app.py`` and ``.streamlit/config.toml`` at the
top level; an installed copy needs them too, so the wheel gets them as ``judging/_shipped/``, where
``judging.resources`` reads them through ``importlib.resources``.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from judging.resources import SHIPPED_FILES, SHIPPED_PACKAGE_DIR  # noqa: E402  (a leaf module: no dependencies)

sys.path.pop(0)


class BuildWithShippedFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the top-level files themselves
        target = Path(self.build_lib) / "judging" / SHIPPED_PACKAGE_DIR
        for pattern in SHIPPED_FILES:
            for source in sorted(ROOT.glob(pattern)):
                destination = target / source.relative_to(ROOT)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildWithShippedFiles})
