"""Coordinates: China's datums and a metric projection. Pure (math and pyproj), no Django.

Chinese map services publish GCJ-02 (高德, 腾讯) or BD-09 (百度) coordinates; we store WGS-84. The GCJ-02
offset is the published "Krasovsky 1940" obfuscation formula; its inverse has no closed form, so it is
solved by fixed-point iteration to better than 1e-7 degrees (about 1 cm).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import ArrayLike
    from pyproj import Transformer

WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
SYSTEMS = (WGS84, GCJ02, BD09)

# Mainland China's bounding box (loose): points outside are refused, not "corrected".
CHINA = {"lat": (3.0, 54.0), "lng": (73.0, 136.0)}

_A = 6378245.0  # Krasovsky 1940 semi-major axis
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0


class CoordinateError(ValueError):
    """Carries a Chinese message for users."""


def in_china(lng: float, lat: float) -> bool:
    return CHINA["lng"][0] <= lng <= CHINA["lng"][1] and CHINA["lat"][0] <= lat <= CHINA["lat"][1]


def _delta(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlng += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlng += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    guess_lng, guess_lat = lng, lat
    for _ in range(30):
        g_lng, g_lat = wgs84_to_gcj02(guess_lng, guess_lat)
        err_lng, err_lat = g_lng - lng, g_lat - lat
        guess_lng, guess_lat = guess_lng - err_lng, guess_lat - err_lat
        if abs(err_lng) < 1e-9 and abs(err_lat) < 1e-9:
            break
    return guess_lng, guess_lat


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def to_wgs84(lng: float, lat: float, system: str = WGS84) -> tuple[float, float]:
    """Convert a point declared in ``system`` to WGS-84; refuse points outside China or unknown systems."""
    if system not in SYSTEMS:
        raise CoordinateError(f"坐标系“{system}”无效，应为 wgs84、gcj02 或 bd09")
    if not in_china(lng, lat):
        raise CoordinateError(f"坐标（经度 {lng}，纬度 {lat}）不在中国境内，请检查经纬度是否填反")
    if system == GCJ02:
        return gcj02_to_wgs84(lng, lat)
    if system == BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))
    return lng, lat


@lru_cache(maxsize=64)
def _transformer(lon_0: float, lat_0: float) -> Transformer:
    from pyproj import Transformer

    local = f"+proj=tmerc +lat_0={lat_0} +lon_0={lon_0} +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", local, always_xy=True)


def project(lngs: ArrayLike, lats: ArrayLike, *, lon_0: float, lat_0: float) -> tuple[Any, Any]:
    """WGS-84 degrees → metres in a transverse Mercator centred on the area (distortion < 0.1 % within
    ~100 km of the centre), so straight-line distances are true metres. Accepts scalars or arrays."""
    return _transformer(round(lon_0, 3), round(lat_0, 3)).transform(lngs, lats)


def unproject(xs: ArrayLike, ys: ArrayLike, *, lon_0: float, lat_0: float) -> tuple[Any, Any]:
    """Projected metres back to WGS-84 degrees (lng, lat), for cluster and site positions on the map."""
    return _transformer(round(lon_0, 3), round(lat_0, 3)).transform(xs, ys, direction="INVERSE")
