"""Every model of the spaces app, for Django (which loads `spaces.models`), migrations and other
apps. Code inside spaces imports from the module that owns a model instead."""

from .directory import (
    Area,
    AreaLevel,
    Feature,
    FeatureCode,
    LiveStatus,
    LiveStatusKind,
    LiveStatusQuerySet,
    LocationPolicy,
    Organisation,
    OrganisationKind,
    PhotoKind,
    SpacePhoto,
)
from .pages import SpaceIndexPage, SpacePage

__all__ = [
    "Area",
    "AreaLevel",
    "Feature",
    "FeatureCode",
    "LiveStatus",
    "LiveStatusKind",
    "LiveStatusQuerySet",
    "LocationPolicy",
    "Organisation",
    "OrganisationKind",
    "PhotoKind",
    "SpaceIndexPage",
    "SpacePage",
    "SpacePhoto",
]
