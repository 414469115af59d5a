"""Great-circle distance and the store geofence check made at clock-in."""

from __future__ import annotations

import math

from jts_domain.errors import invalid

EARTH_RADIUS_METERS = 6_371_008.8
"""The mean Earth radius (IUGG), in metres."""


def validate_point(latitude: float, longitude: float) -> None:
    """Raise ``DomainError(VALIDATION_ERROR)`` unless -90 ≤ lat ≤ 90 and -180 ≤ lon ≤ 180."""
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise invalid("latitude must be between -90 and 90", field="latitude", latitude=latitude)
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise invalid(
            "longitude must be between -180 and 180", field="longitude", longitude=longitude
        )


def haversine_meters(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points given in degrees, in metres.

    >>> round(haversine_meters(0.0, 0.0, 0.0, 1.0))  # one degree along the equator
    111195
    """
    validate_point(lat1, lon1)
    validate_point(lat2, lon2)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = math.radians(lat2 - lat1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    # Rounding can push h a hair above 1 for antipodal points; asin needs [0, 1].
    return 2 * EARTH_RADIUS_METERS * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def within_geofence(
    *,
    store_latitude: float,
    store_longitude: float,
    radius_meters: float,
    latitude: float,
    longitude: float,
) -> bool:
    """Whether a point lies within ``radius_meters`` of the store (distance ≤ radius).

    Raises ``DomainError(VALIDATION_ERROR)`` for coordinates out of range or a negative or
    non-finite radius.
    """
    if not (math.isfinite(radius_meters) and radius_meters >= 0):
        raise invalid("the geofence radius must be a non-negative number", radius=radius_meters)
    distance = haversine_meters(store_latitude, store_longitude, latitude, longitude)
    return distance <= radius_meters
