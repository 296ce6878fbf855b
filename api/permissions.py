"""Who may write: curators (group "curator" or staff) edit papers, labels and
citations; admins (staff or superusers) also manage taxonomy nodes. Anyone reads."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

CURATOR_GROUP = "curator"


def is_curator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name=CURATOR_GROUP).exists()


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


class CuratorWritesOrReadOnly(BasePermission):
    """Reads for everyone; writes for curators."""

    message = "Only curators may change the knowledge base."
    anonymous_reads = True  # the OpenAPI schema marks reads as needing no credentials

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_curator(request.user)


class AdminWritesOrReadOnly(BasePermission):
    """Reads for everyone; writes for admins (staff or superusers)."""

    message = "Only admins may change taxonomy nodes."
    anonymous_reads = True

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or is_admin(request.user)
