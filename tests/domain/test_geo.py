"""Haversine distance and the clock-in geofence."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jts_domain.errors import DomainError, ErrorCode
from jts_domain.geo import EARTH_RADIUS_METERS, haversine_meters, within_geofence
from tests.domain.strategies import latitudes, longitudes, points

HALF_CIRCUMFERENCE = math.pi * EARTH_RADIUS_METERS
radii = st.floats(min_value=0, max_value=2 * HALF_CIRCUMFERENCE, allow_nan=False)


@given(points, points)
def test_distance_is_symmetric_and_within_half_the_globe(a, b):
    there = haversine_meters(*a, *b)
    back = haversine_meters(*b, *a)
    assert math.isclose(there, back, rel_tol=1e-12, abs_tol=1e-9)
    assert 0 <= there <= HALF_CIRCUMFERENCE + 1e-6


@given(points)
def test_distance_to_itself_is_zero(a):
    assert haversine_meters(*a, *a) == 0


@given(points, points, points)
def test_triangle_inequality(a, b, c):
    """Great-circle distance is a metric (up to float rounding near antipodes)."""
    direct = haversine_meters(*a, *c)
    assert direct <= haversine_meters(*a, *b) + haversine_meters(*b, *c) + 0.5


@given(latitudes, latitudes, longitudes)
def test_along_a_meridian_distance_is_radius_times_latitude_difference(lat1, lat2, lon):
    expected = EARTH_RADIUS_METERS * math.radians(abs(lat1 - lat2))
    assert math.isclose(haversine_meters(lat1, lon, lat2, lon), expected, abs_tol=1e-2)


@given(points, points, radii, radii)
def test_within_geofence_is_monotone_in_the_radius(store, here, r1, r2):
    small, large = sorted((r1, r2))

    def within(radius: float) -> bool:
        return within_geofence(
            store_latitude=store[0],
            store_longitude=store[1],
            radius_meters=radius,
            latitude=here[0],
            longitude=here[1],
        )

    if within(small):
        assert within(large)
    assert within(haversine_meters(*store, *here)), "distance equal to the radius is inside"


def test_one_degree_along_the_equator():
    """2·π·6 371 008.8 m / 360 = 111 195.08 m."""
    assert haversine_meters(0.0, 0.0, 0.0, 1.0) == pytest.approx(111_195.08, abs=0.01)


def test_a_store_geofence_in_kolkata():
    """Store at 22.5726 N, 88.3639 E with a 100 m fence. 0.0008° of latitude due north is
    0.0008 × 111 195.08 = 88.96 m (inside); 0.001° is 111.20 m (outside)."""
    store = {"store_latitude": 22.5726, "store_longitude": 88.3639, "radius_meters": 100.0}
    assert haversine_meters(22.5726, 88.3639, 22.5734, 88.3639) == pytest.approx(88.96, abs=0.01)
    assert within_geofence(**store, latitude=22.5734, longitude=88.3639)
    assert not within_geofence(**store, latitude=22.5736, longitude=88.3639)


def test_all_longitudes_meet_at_the_pole():
    assert haversine_meters(90.0, -120.0, 90.0, 45.0) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(90.0001, 0.0), (-91.0, 0.0), (0.0, 180.5), (0.0, -181.0), (math.nan, 0.0), (0.0, math.inf)],
)
def test_coordinates_out_of_range_are_validation_errors(latitude, longitude):
    with pytest.raises(DomainError) as caught:
        haversine_meters(latitude, longitude, 0.0, 0.0)
    assert caught.value.code is ErrorCode.VALIDATION_ERROR


@pytest.mark.parametrize("radius", [-1.0, math.nan, math.inf])
def test_a_bad_radius_is_a_validation_error(radius):
    with pytest.raises(DomainError) as caught:
        within_geofence(
            store_latitude=0.0,
            store_longitude=0.0,
            radius_meters=radius,
            latitude=0.0,
            longitude=0.0,
        )
    assert caught.value.code is ErrorCode.VALIDATION_ERROR
