"""Where the files shipped with the app live: rubric templates, demo data, the Streamlit app and its config.

The source tree keeps them at the top level (``rubrics/``, ``data/``, ``streamlit_app.py``,
``.streamlit/config.toml``). Building a wheel copies them into the package as ``judging/_shipped/``
(``setup.py``), where ``importlib.resources`` finds them in an installed copy. A source checkout or
an editable install has no ``_shipped/`` and reads the top-level files themselves.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED_PACKAGE_DIR = "_shipped"  # the folder name inside the package; setup.py writes it
# what a wheel ships, relative to the project root (setup.py copies exactly these); the database
# under data/ (data/judging.db) is never shipped
SHIPPED_FILES = (
    "streamlit_app.py",
    ".streamlit/config.toml",
    "rubrics/*.toml",
    "rubrics/awards/*.toml",
    "data/*.toml",
    "data/demo/*.csv",
)


def root() -> Path:
    """The folder that holds ``rubrics/``, ``data/``, ``streamlit_app.py`` and ``.streamlit/``."""
    packaged = files("judging") / SHIPPED_PACKAGE_DIR
    if packaged.is_dir():
        # an installed wheel is unpacked on disk, so its resources are plain files
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent


def rubrics_dir() -> Path:
    return root() / "rubrics"


def data_dir() -> Path:
    return root() / "data"


def app_file() -> Path:
    return root() / "streamlit_app.py"


def streamlit_config() -> Path:
    return root() / ".streamlit" / "config.toml"


def rubric_templates(directory: Path | None = None) -> dict[str, Path]:
    """Template key → file, for every rubric file shipped in ``directory`` (default: the packaged rubrics)."""
    folder = rubrics_dir() if directory is None else directory
    return {path.stem: path for path in sorted(folder.glob("*.toml")) if not path.stem.startswith("awards")}
