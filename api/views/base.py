"""What every API view shares: strict query parameters and the error shape."""

from rest_framework.exceptions import ValidationError

from api.permissions import is_curator

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def flag(request, name: str) -> bool:
    """A boolean query parameter; anything but yes/no words is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ValidationError({name: ["Use 1 or 0 (true or false)."]})
    return value in TRUE_WORDS


class StrictQueryMixin:
    """Unknown query parameters are a 400 naming them.

    Allowed: `format`, the filters of filterset_class and the paginator's
    parameters on lists, and extra_query_params[action].
    """

    extra_query_params: dict[str, tuple[str, ...]] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.allowed_query_params())
        if unknown:
            raise ValidationError(dict.fromkeys(unknown, ["Unknown query parameter."]))

    def allowed_query_params(self) -> set[str]:
        allowed = {"format", *self.extra_query_params.get(self.action, ())}
        if self.action == "list":
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
            paginator = getattr(self, "paginator", None)
            allowed |= set(getattr(paginator, "query_params", ()))
        return allowed

    def sees_drafts(self) -> bool:
        """Curators see draft papers (and their links); everyone else does not."""
        if not hasattr(self, "_sees_drafts"):
            self._sees_drafts = is_curator(self.request.user)
        return self._sees_drafts
