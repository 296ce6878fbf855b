"""What every API view shares: strict query parameters and the error shape."""

import django_filters
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from api.permissions import is_curator
from papers.filtersets import repeatable_parameters

#: The words a yes/no query parameter takes, exactly as the schema lists them.
FLAG_WORDS = {"1": True, "true": True, "0": False, "false": False}


def flag_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, enum=list(FLAG_WORDS), description=description)


def flag(request, name: str) -> bool:
    """A yes/no query parameter, false when absent; any other word is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    if raw not in FLAG_WORDS:
        raise ValidationError({name: ["Use 1 or 0 (true or false)."]})
    return FLAG_WORDS[raw]


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
        repeated = sorted(
            name
            for name, values in request.query_params.lists()
            if len(values) > 1 and name not in self.repeatable_filters()
        )
        if repeated:
            raise ValidationError(
                dict.fromkeys(
                    repeated, ["Give this parameter once; it takes one value."]
                )
            )
        empty = sorted(
            name
            for name in self.typed_filters()
            if "" in request.query_params.getlist(name)
        )
        if empty:
            raise ValidationError(
                dict.fromkeys(empty, ["Give a value, or leave the parameter out."])
            )

    def repeatable_filters(self) -> set[str]:
        """The list's filters that take several values; any other parameter
        given twice is refused rather than read as its last value."""
        filterset_class = getattr(self, "filterset_class", None)
        if getattr(self, "action", None) != "list" or filterset_class is None:
            return set()
        return repeatable_parameters(filterset_class)

    def typed_filters(self) -> set[str]:
        """The list's filters documented as a number or one of a list. A form
        reads an empty value as none, but the schema does not allow it."""
        filterset_class = getattr(self, "filterset_class", None)
        if getattr(self, "action", None) != "list" or filterset_class is None:
            return set()
        return {
            name
            for name, declared in filterset_class.base_filters.items()
            if not isinstance(declared, django_filters.CharFilter)
        }

    def allowed_query_params(self) -> set[str]:
        action = getattr(self, "action", None)  # a viewset's; an APIView has none
        allowed = {"format", *self.extra_query_params.get(action, ())}
        if action == "list":
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
