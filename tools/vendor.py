"""Copy the pinned front-end files from node_modules/ into static/vendor/ (git-ignored).

Run by `make install` after `npm ci`; nothing is fetched from a CDN at run time.

Every file a copied stylesheet or script points at must be copied too: production's manifest storage
(`collectstatic`) rewrites those references to hashed names and aborts on one it cannot find. A
``sourceMappingURL`` is kept when the package ships the map beside the file, and removed when it does not.
"""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
    "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx-ext-sse/dist/sse.min.js": "htmx/sse.min.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # The API documentation page (/api/v1/docs) runs Swagger UI from these, never from a CDN.
    "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
    "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
    "swagger-ui-dist/swagger-ui-standalone-preset.js": "swagger-ui/swagger-ui-standalone-preset.js",
    "swagger-ui-dist/favicon-32x32.png": "swagger-ui/favicon-32x32.png",
}
SOURCE_MAP = re.compile(r"(?:/\*[#@]|//[#@])\s*sourceMappingURL=([^\s*]+)\s*(?:\*/)?")


def copy_source_map(origin: Path, dest: Path) -> None:
    """Copy the map a script or stylesheet names; drop the comment when the package has no such file."""
    if dest.suffix not in {".js", ".css"}:
        return
    text = dest.read_text(encoding="utf-8")
    missing = []
    for match in SOURCE_MAP.finditer(text):
        name = match.group(1)
        if name.startswith("data:"):
            continue
        map_origin = origin.parent / name
        if map_origin.is_file():
            shutil.copy2(map_origin, dest.parent / name)
        else:
            missing.append(match.group(0))
    for comment in missing:
        text = text.replace(comment, "")
    if missing:
        dest.write_text(text, encoding="utf-8")


def main() -> int:
    source, target = ROOT / "node_modules", ROOT / "static" / "vendor"
    for src, dst in FILES.items():
        origin, dest = source / src, target / dst
        if not origin.exists():
            print(f"missing {origin}: run `npm ci` first", file=sys.stderr)
            return 1
        dest.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, dest, dirs_exist_ok=True)
        else:
            shutil.copy2(origin, dest)
            copy_source_map(origin, dest)
    print(f"copied {len(FILES)} assets into {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
