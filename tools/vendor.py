"""Copy the pinned front-end files from node_modules/ into static/vendor/ (git-ignored).

Run by `make install` after `npm ci`; nothing is fetched from a CDN at run time.
"""

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
}


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
    print(f"copied {len(FILES)} assets into {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
