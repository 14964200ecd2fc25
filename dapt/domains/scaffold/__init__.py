"""`dapt new-domain NAME`: an installable domain plugin package whose own tests pass straight away.

The package holds everything the contract asks for (docs/plugins.md): the ``dapt.domains`` entry
point, a Python recognizer and a YAML one with their test table, policy, expectations, defaults,
word lists, and a sample written here by the package's own generator.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from dapt.domains.base import NAME_PATTERN, installed_domains
from dapt.errors import UserError

TEMPLATES = Path(__file__).parent
LABELS = {
    "complaint": (
        "I am unhappy with how my case was handled. ",
        "Nobody called me back although I was promised a call. ",
        "The letter I received is wrong and I want it corrected. ",
        "I have waited three weeks and still have no decision. ",
    ),
    "question": (
        "Could you tell me how long the review usually takes? ",
        "Which documents do I still need to send? ",
        "Is my case still open? ",
        "Who is my caseworker now? ",
    ),
    "request": (
        "Please send me a copy of my file. ",
        "Please update my address in your records. ",
        "I would like to move my appointment to next week. ",
        "Please close the case, it is resolved. ",
    ),
}


def package_files(package: str) -> dict[str, str]:
    """Each file of the scaffold (path in the new package) and the template it comes from."""
    inside = {
        "__init__.py": "plugin_init.py.j2", "recognizers.py": "recognizers.py.j2", "sample_generator.py": "sample_generator.py.j2",
        "recognizers.yaml": "recognizers.yaml.j2", "recognizer_cases.yaml": "recognizer_cases.yaml.j2",
        "policy.yaml": "policy.yaml.j2", "expectations.yaml": "expectations.yaml.j2", "defaults.yaml": "defaults.yaml.j2",
        "allow_list.txt": "allow_list.txt.j2", "vocab_seeds.txt": "vocab_seeds.txt.j2",
    }  # fmt: skip
    return {
        "pyproject.toml": "pyproject.toml.j2", "README.md": "README.md.j2", "tests/test_plugin.py": "test_plugin.py.j2",
        **{f"{package}/{name}": template for name, template in inside.items()},
    }  # fmt: skip


def scaffold_domain(name: str, parent: Path) -> Path:
    """Write the package ``dapt-NAME`` into ``parent`` and generate its sample; returns its folder."""
    if not NAME_PATTERN.match(name):
        raise UserError(f"domain name {name!r} must start with a letter and hold only a-z, 0-9 and '_'", "e.g. `dapt new-domain insurance`")
    if name in installed_domains():
        raise UserError(f"a domain called {name!r} is already installed", "pick another name")
    folder = parent / f"dapt-{name.replace('_', '-')}"
    if folder.exists():
        raise UserError(f"{folder} already exists", "pick another --into folder or remove it")
    package = f"dapt_{name}"
    context = {
        "name": name, "dist": folder.name, "package": package, "title": name.replace("_", " ").title().replace(" ", ""),
        "entity": f"{name.upper()}_REFERENCE", "prefix": (name.replace("_", "").upper() + "REF")[:3],
        "labels": list(LABELS), "says": LABELS,
    }  # fmt: skip
    environment = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, keep_trailing_newline=True)
    for path, template in package_files(package).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(environment.get_template(template).render(**context), encoding="utf-8")
    runpy.run_path(str(folder / package / "sample_generator.py"), run_name="__main__")
    return folder
