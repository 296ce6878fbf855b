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


def refuse_odd_parameters(query, *, allowed: set[str], repeatable: set[str]) -> None:
    """A 400 naming each query parameter that is not allowed, or that takes one
    value and was given several (the last would win without a word)."""
    unknown = sorted(set(query) - allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, ["Unknown query parameter."]))
    repeated = sorted(
        name
        for name, values in query.lists()
        if len(values) > 1 and name not in repeatable
    )
    if repeated:
        raise ValidationError(
            dict.fromkeys(repeated, ["Give this parameter once; it takes one value."])
        )


class StrictQueryMixin:
    """Unknown query parameters are a 400 naming them.

    Allowed: `format`, the filters of filterset_class and the paginator's
    parameters on lists, and extra_query_params[action].
    """

    extra_query_params: dict[str, tuple[str, ...]] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refuse_odd_parameters(
            request.query_params,
            allowed=self.allowed_query_params(),
            repeatable=self.repeatable_filters(),
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

    def list_filterset(self):
        """The filter set class of a list action, else None (an APIView has no
        action; other actions take no filters)."""
        if getattr(self, "action", None) != "list":
            return None
        return getattr(self, "filterset_class", None)

    def repeatable_filters(self) -> set[str]:
        """The list's filters that take several values; any other parameter
        given twice is refused rather than read as its last value."""
        filterset_class = self.list_filterset()
        return repeatable_parameters(filterset_class) if filterset_class else set()

    def typed_filters(self) -> set[str]:
        """The list's filters documented as a number or one of a list. A form
        reads an empty value as none, but the schema does not allow it."""
        filterset_class = self.list_filterset()
        if filterset_class is None:
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
            filterset_class = self.list_filterset()
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
