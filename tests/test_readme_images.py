"""Every picture and local link the README shows is in the repository."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_images_and_links_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)\)", text)
    local = [t for t in targets if not t.startswith(("http://", "https://", "mailto:"))]
    assert any(t.endswith(".png") for t in local)
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, missing
