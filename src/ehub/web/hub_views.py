"""The hub console (/hub/...), for hub operators and platform admins: inbound scan and weight
entry, the exceptions list, manifests (create, add parcels, close, depart, CSV), customs status
per parcel with holds to resolve.

Views parse forms and call logistics.services / selectors and customs.clearance, as the API
does; a service's ``DomainError`` is shown on the page with its 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ehub.accounts.models import Role
from ehub.core.errors import DomainError
from ehub.customs.clearance import (
    declaration_get,
    declaration_hold_resolve,
    declaration_return_to_seller,
)
from ehub.customs.models import CustomsDeclaration
from ehub.logistics.domain import ManifestStatus, ParcelStatus, WeightCheck
from ehub.logistics.models import Manifest, Parcel
from ehub.logistics.selectors import hub_exceptions, hub_list, manifest_get, manifest_list
from ehub.logistics.services import (
    manifest_add_parcels,
    manifest_close,
    manifest_create,
    manifest_depart,
    manifest_export_csv,
    manifest_remove_parcel,
    parcel_by_code,
    parcel_customs_retry,
    parcel_hub_return,
    parcel_redeliver,
    parcel_scan_in,
    parcel_weight_accept,
)
from ehub.web.errors import error_message
from ehub.web.forms import (
    HoldResolveForm,
    ManifestAddForm,
    ManifestCreateForm,
    NoteForm,
    ReasonForm,
    ScanForm,
    WeighForm,
)
from ehub.web.labels import STAFF_PARCEL_STATUS as PARCEL_STATUS_LABELS

HUB_ROLES = {Role.HUB_OPERATOR, Role.PLATFORM_ADMIN}
WEIGHT_LABELS = {
    WeightCheck.PENDING: gettext_lazy("Not weighed"),
    WeightCheck.OK: gettext_lazy("Within tolerance"),
    WeightCheck.FLAGGED: gettext_lazy("Flagged"),
    WeightCheck.ACCEPTED: gettext_lazy("Accepted"),
}
MANIFEST_LABELS = {
    ManifestStatus.OPEN: gettext_lazy("Open"),
    ManifestStatus.CLOSED: gettext_lazy("Closed"),
    ManifestStatus.DEPARTED: gettext_lazy("Departed"),
}
DECLARATION_LABELS = {
    "prepared": gettext_lazy("Prepared"),
    "submitted": gettext_lazy("Submitted"),
    "inspection": gettext_lazy("Under inspection"),
    "held": gettext_lazy("Held"),
    "cleared": gettext_lazy("Cleared"),
    "refused": gettext_lazy("Refused"),
    "returned": gettext_lazy("Returned"),
}
# The parcels whose customs status the console shows: from departure on.
CUSTOMS_STATES = [
    ParcelStatus.DEPARTED,
    ParcelStatus.AT_CUSTOMS,
    ParcelStatus.HELD,
    ParcelStatus.CLEARED,
    ParcelStatus.RETURNING,
]
HUB_SESSION_KEY = "ehub_hub"

HubView = Callable[..., HttpResponse]


def hub_page(view: HubView) -> HubView:
    """Signed in (else to the sign-in page) as a hub operator or platform admin (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role not in HUB_ROLES and not user.is_superuser:
            return _render(request, "web/hub/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render a console page, with the menu entry it belongs to."""
    name = template.rsplit("/", 1)[-1].removesuffix(".html")
    nav = {"parcel": "scan", "manifest": "manifests"}.get(name, name)
    return render(request, template, {"nav": nav, **(context or {})}, status=status)


def label(labels: dict[Any, Any], value: str) -> str:
    return str(labels.get(value, value))


@dataclass(frozen=True)
class ParcelRow:
    parcel: Parcel
    status: str
    weight: str
    declaration: CustomsDeclaration | None = None

    @property
    def declaration_status(self) -> str:
        return label(DECLARATION_LABELS, self.declaration.status) if self.declaration else ""


def parcel_row(parcel: Parcel, declaration: CustomsDeclaration | None = None) -> ParcelRow:
    return ParcelRow(
        parcel=parcel,
        status=label(PARCEL_STATUS_LABELS, parcel.status),
        weight=label(WEIGHT_LABELS, parcel.weight_check),
        declaration=declaration,
    )


def hub_choices() -> list[tuple[str, str]]:
    return [(h.code, f"{h.code} · {h.name}") for h in hub_list()]


# -- inbound scan and weight entry ----------------------------------------------------------------
def _scan_page(
    request: HttpRequest, form: ScanForm, status: int = 200, **context: Any
) -> HttpResponse:
    return _render(
        request,
        "web/hub/scan.html",
        {
            "form": form,
            "hubs": hub_choices(),
            "hub": request.session.get(HUB_SESSION_KEY, ""),
            **context,
        },
        status=status,
    )


@require_GET
@hub_page
def scan(request: HttpRequest) -> HttpResponse:
    """One field (autofocus): type or scan a parcel code; the parcel's page asks its weight."""
    if "hub" in request.GET:
        request.session[HUB_SESSION_KEY] = request.GET["hub"].strip().upper()
    if "code" not in request.GET:
        return _scan_page(request, ScanForm())
    form = ScanForm(request.GET)
    if not form.is_valid():
        return _scan_page(request, form, status=422)
    try:
        parcel = parcel_by_code(form.cleaned_data["code"])
    except DomainError as exc:
        form.add_error("code", error_message(exc))
        return _scan_page(request, form, status=exc.status)
    return HttpResponseRedirect(reverse("web:hub-parcel", args=[parcel.code]))


def _parcel_page(
    request: HttpRequest, parcel: Parcel, status: int = 200, **forms: Any
) -> HttpResponse:
    declaration = CustomsDeclaration.objects.filter(order_parcel=parcel.order_parcel).first()
    return _render(
        request,
        "web/hub/parcel.html",
        {
            "row": parcel_row(parcel, declaration),
            "weigh": forms.get("weigh")
            or WeighForm(initial={"hub": request.session.get(HUB_SESSION_KEY, "")}),
            "accept": forms.get("accept") or NoteForm(),
            "send_back": forms.get("send_back") or ReasonForm(),
            "can_weigh": parcel.status == ParcelStatus.HANDED_OVER,
            "error": forms.get("error", ""),
        },
        status=status,
    )


@require_GET
@hub_page
def parcel_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        parcel = parcel_by_code(code)
    except DomainError as exc:
        form = ScanForm({"code": code})
        form.is_valid()
        form.add_error("code", error_message(exc))
        return _scan_page(request, form, status=exc.status)
    return _parcel_page(request, parcel)


@require_POST
@hub_page
def parcel_weigh(request: HttpRequest, code: str) -> HttpResponse:
    try:
        parcel = parcel_by_code(code)
    except DomainError as exc:
        return _scan_page(request, ScanForm(), status=exc.status, error=error_message(exc))
    form = WeighForm(request.POST)
    if not form.is_valid():
        return _parcel_page(request, parcel, status=422, weigh=form)
    hub = (form.cleaned_data["hub"] or "").strip() or None
    try:
        weighed = parcel_scan_in(
            code=parcel.code,
            weight_grams=form.cleaned_data["weight_grams"],
            hub_code=hub,
            actor=request.user,
        )
    except DomainError as exc:
        if parcel.status == ParcelStatus.HANDED_OVER:  # the form is on the page: say it there
            form.add_error("weight_grams", error_message(exc))
            return _parcel_page(request, parcel, status=exc.status, weigh=form)
        return _parcel_page(request, parcel, status=exc.status, error=error_message(exc))
    weighed.refresh_from_db()
    if weighed.weight_check == WeightCheck.FLAGGED:
        messages.warning(
            request,
            _("%(code)s is received, but its weight is flagged: %(note)s")
            % {"code": weighed.code, "note": weighed.weight_note},
        )
    else:
        messages.success(
            request,
            _("%(code)s is received, %(grams)s g: within tolerance.")
            % {"code": weighed.code, "grams": weighed.measured_weight_grams},
        )
    return HttpResponseRedirect(reverse("web:hub-scan"))


ParcelAction = Callable[[HttpRequest, Parcel], Parcel]


def _parcel_action(
    request: HttpRequest, code: str, action: ParcelAction, form_name: str = ""
) -> HttpResponse:
    """Run ``action`` on the parcel; back to where the button was (``next``: the exceptions
    list or the parcel's page), or the parcel's page with the refusal."""
    try:
        parcel = parcel_by_code(code)
    except DomainError as exc:
        return _scan_page(request, ScanForm(), status=exc.status, error=error_message(exc))
    try:
        action(request, parcel)
    except _Invalid as invalid:
        return _parcel_page(request, parcel, status=422, **{form_name: invalid.form})
    except DomainError as exc:
        return _parcel_page(request, parcel, status=exc.status, error=error_message(exc))
    messages.success(request, _("%(code)s is updated.") % {"code": parcel.code})
    target = request.POST.get("next", "")
    if target.startswith("/hub/"):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("web:hub-parcel", args=[parcel.code]))


class _Invalid(Exception):
    def __init__(self, form: Any) -> None:
        self.form = form


@require_POST
@hub_page
def parcel_accept_weight(request: HttpRequest, code: str) -> HttpResponse:
    def act(request: HttpRequest, parcel: Parcel) -> Parcel:
        form = NoteForm(request.POST)
        if not form.is_valid():
            raise _Invalid(form)
        return parcel_weight_accept(
            code=parcel.code, note=form.cleaned_data["note"], actor=request.user
        )

    return _parcel_action(request, code, act, "accept")


@require_POST
@hub_page
def parcel_return(request: HttpRequest, code: str) -> HttpResponse:
    def act(request: HttpRequest, parcel: Parcel) -> Parcel:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            raise _Invalid(form)
        return parcel_hub_return(
            code=parcel.code, reason=form.cleaned_data["reason"], actor=request.user
        )

    return _parcel_action(request, code, act, "send_back")


@require_POST
@hub_page
def parcel_declare_again(request: HttpRequest, code: str) -> HttpResponse:
    return _parcel_action(
        request, code, lambda r, p: parcel_customs_retry(code=p.code, actor=r.user)
    )


@require_POST
@hub_page
def parcel_redeliver_view(request: HttpRequest, code: str) -> HttpResponse:
    return _parcel_action(request, code, lambda r, p: parcel_redeliver(code=p.code, actor=r.user))


# -- exceptions -----------------------------------------------------------------------------------
@require_GET
@hub_page
def exceptions(request: HttpRequest) -> HttpResponse:
    hub = request.GET.get("hub") or request.session.get(HUB_SESSION_KEY) or None
    parcels = list(hub_exceptions(hub_code=hub))
    declarations = {
        d.order_parcel_id: d
        for d in CustomsDeclaration.objects.filter(
            order_parcel_id__in=[p.order_parcel_id for p in parcels]
        )
    }
    return _render(
        request,
        "web/hub/exceptions.html",
        {
            "rows": [parcel_row(p, declarations.get(p.order_parcel_id)) for p in parcels],
            "hub": hub or "",
        },
    )


# -- manifests ------------------------------------------------------------------------------------
def _manifests_page(
    request: HttpRequest, form: ManifestCreateForm, status: int = 200
) -> HttpResponse:
    manifests = list(manifest_list())
    return _render(
        request,
        "web/hub/manifests.html",
        {
            "form": form,
            "manifests": [(m, label(MANIFEST_LABELS, m.status)) for m in manifests],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@hub_page
def manifests(request: HttpRequest) -> HttpResponse:
    hubs = hub_choices()
    remembered = request.session.get(HUB_SESSION_KEY, "")
    form = ManifestCreateForm(request.POST or None, hubs=hubs, initial={"hub": remembered})
    if request.method == "GET":
        return _manifests_page(request, form)
    if not form.is_valid():
        return _manifests_page(request, form, status=422)
    try:
        manifest = manifest_create(
            hub_code=form.cleaned_data["hub"],
            destination_country=form.cleaned_data["destination_country"],
            actor=request.user,
        )
    except DomainError as exc:
        form.add_error(None, error_message(exc))
        return _manifests_page(request, form, status=exc.status)
    messages.success(request, _("Manifest %(waybill)s is open.") % {"waybill": manifest.waybill})
    return HttpResponseRedirect(reverse("web:hub-manifest", args=[manifest.pk]))


def manifest_candidates(manifest: Manifest) -> list[Parcel]:
    """Parcels the manifest may take: received at its hub, for its destination, weight fine,
    on no manifest (the service checks again when they are added)."""
    if manifest.status != ManifestStatus.OPEN:
        return []
    return list(
        Parcel.objects.filter(
            status=ParcelStatus.RECEIVED_AT_HUB,
            origin_hub=manifest.origin_hub,
            destination_country=manifest.destination_country,
            manifest__isnull=True,
        )
        .filter(Q(weight_check=WeightCheck.OK) | Q(weight_check=WeightCheck.ACCEPTED))
        .order_by("updated_at", "id")
    )


def _manifest_page(
    request: HttpRequest,
    manifest: Manifest,
    form: ManifestAddForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    parcels = list(manifest.parcels.select_related("order_parcel__order").order_by("code"))
    return _render(
        request,
        "web/hub/manifest.html",
        {
            "manifest": manifest,
            "status": label(MANIFEST_LABELS, manifest.status),
            "rows": [parcel_row(p) for p in parcels],
            "candidates": manifest_candidates(manifest),
            "form": form or ManifestAddForm(),
            "error": error,
            "is_open": manifest.status == ManifestStatus.OPEN,
            "is_closed": manifest.status == ManifestStatus.CLOSED,
            "weight": sum(p.measured_weight_grams or p.declared_weight_grams for p in parcels),
        },
        status=status,
    )


def _manifest_or_404(request: HttpRequest, manifest_id: int) -> Manifest | HttpResponse:
    try:
        return manifest_get(manifest_id=manifest_id)
    except DomainError as exc:
        return _render(
            request, "web/hub/not_found.html", {"message": error_message(exc)}, status=404
        )


@require_GET
@hub_page
def manifest_detail(request: HttpRequest, manifest_id: int) -> HttpResponse:
    manifest = _manifest_or_404(request, manifest_id)
    if isinstance(manifest, HttpResponse):
        return manifest
    return _manifest_page(request, manifest)


@require_POST
@hub_page
def manifest_add(request: HttpRequest, manifest_id: int) -> HttpResponse:
    manifest = _manifest_or_404(request, manifest_id)
    if isinstance(manifest, HttpResponse):
        return manifest
    form = ManifestAddForm(request.POST)
    if not form.is_valid():
        return _manifest_page(request, manifest, form, status=422)
    codes = form.code_list(request.POST.getlist("parcel"))
    if not codes:
        form.add_error("codes", _("Scan, type or tick at least one parcel."))
        return _manifest_page(request, manifest, form, status=422)
    try:
        manifest_add_parcels(manifest=manifest, codes=codes, actor=request.user)
    except DomainError as exc:
        problems = exc.detail.get("problems") if isinstance(exc.detail, dict) else None
        form.add_error("codes", error_message(exc))
        for problem in problems or []:
            if isinstance(problem, dict):
                text = " ".join(str(v) for v in problem.values())
            else:
                text = str(problem)
            form.add_error("codes", text)
        return _manifest_page(request, manifest, form, status=exc.status)
    messages.success(
        request,
        ngettext("%(count)s parcel added.", "%(count)s parcels added.", len(codes))
        % {"count": len(codes)},
    )
    return HttpResponseRedirect(reverse("web:hub-manifest", args=[manifest.pk]))


ManifestAction = Callable[..., Manifest]


def _manifest_action(
    request: HttpRequest, manifest_id: int, action: ManifestAction, done: str
) -> HttpResponse:
    manifest = _manifest_or_404(request, manifest_id)
    if isinstance(manifest, HttpResponse):
        return manifest
    try:
        action(manifest=manifest, actor=request.user)
    except DomainError as exc:
        return _manifest_page(
            request,
            manifest_get(manifest_id=manifest_id),
            error=error_message(exc),
            status=exc.status,
        )
    messages.success(request, done)
    return HttpResponseRedirect(reverse("web:hub-manifest", args=[manifest.pk]))


@require_POST
@hub_page
def manifest_remove(request: HttpRequest, manifest_id: int, code: str) -> HttpResponse:
    return _manifest_action(
        request,
        manifest_id,
        lambda manifest, actor: manifest_remove_parcel(manifest=manifest, code=code, actor=actor),
        _("The parcel is off the manifest."),
    )


@require_POST
@hub_page
def manifest_close_view(request: HttpRequest, manifest_id: int) -> HttpResponse:
    return _manifest_action(
        request, manifest_id, manifest_close, _("The manifest is closed (sealed).")
    )


@require_POST
@hub_page
def manifest_depart_view(request: HttpRequest, manifest_id: int) -> HttpResponse:
    return _manifest_action(
        request,
        manifest_id,
        manifest_depart,
        _("The manifest has departed; its parcels are declared to customs."),
    )


@require_GET
@hub_page
def manifest_csv(request: HttpRequest, manifest_id: int) -> HttpResponse:
    manifest = _manifest_or_404(request, manifest_id)
    if isinstance(manifest, HttpResponse):
        return manifest
    response = HttpResponse(
        manifest_export_csv(manifest=manifest), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="manifest-{manifest.waybill}.csv"'
    return response


# -- customs --------------------------------------------------------------------------------------
def _customs_page(
    request: HttpRequest,
    *,
    forms: dict[int, dict[str, Any]] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    parcels = list(
        Parcel.objects.filter(status__in=CUSTOMS_STATES)
        .select_related("order_parcel__order", "manifest")
        .order_by("status", "updated_at", "id")
    )
    declarations = {
        d.order_parcel_id: d
        for d in CustomsDeclaration.objects.filter(
            order_parcel_id__in=[p.order_parcel_id for p in parcels]
        )
    }
    rows = []
    for parcel in parcels:
        declaration = declarations.get(parcel.order_parcel_id)
        row = parcel_row(parcel, declaration)
        held = declaration is not None and declaration.status == "held"
        given = (forms or {}).get(declaration.pk if declaration else 0, {})
        rows.append(
            {
                "row": row,
                "held": held,
                "resolve": given.get("resolve") or HoldResolveForm(prefix=f"r{parcel.pk}"),
                "send_back": given.get("send_back") or ReasonForm(prefix=f"s{parcel.pk}"),
            }
        )
    return _render(request, "web/hub/customs.html", {"rows": rows, "error": error}, status=status)


@require_GET
@hub_page
def customs(request: HttpRequest) -> HttpResponse:
    return _customs_page(request)


def _declaration(
    request: HttpRequest, declaration_id: int
) -> tuple[CustomsDeclaration, Parcel] | HttpResponse:
    try:
        declaration = declaration_get(declaration_id=declaration_id)
    except DomainError as exc:
        return _customs_page(request, error=error_message(exc), status=exc.status)
    parcel = Parcel.objects.filter(order_parcel_id=declaration.order_parcel_id).first()
    if parcel is None:
        return _customs_page(request, error=_("No parcel for this declaration."), status=404)
    return declaration, parcel


@require_POST
@hub_page
def hold_resolve(request: HttpRequest, declaration_id: int) -> HttpResponse:
    found = _declaration(request, declaration_id)
    if isinstance(found, HttpResponse):
        return found
    declaration, parcel = found
    form = HoldResolveForm(request.POST, prefix=f"r{parcel.pk}")
    if not form.is_valid():
        return _customs_page(request, forms={declaration.pk: {"resolve": form}}, status=422)
    try:
        declaration_hold_resolve(
            declaration=declaration,
            documents=form.document_list(),
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as exc:
        form.add_error(None, error_message(exc))
        return _customs_page(request, forms={declaration.pk: {"resolve": form}}, status=exc.status)
    messages.success(request, _("%(code)s is declared again to customs.") % {"code": parcel.code})
    return HttpResponseRedirect(reverse("web:hub-customs"))


@require_POST
@hub_page
def hold_return(request: HttpRequest, declaration_id: int) -> HttpResponse:
    found = _declaration(request, declaration_id)
    if isinstance(found, HttpResponse):
        return found
    declaration, parcel = found
    form = ReasonForm(request.POST, prefix=f"s{parcel.pk}")
    if not form.is_valid():
        return _customs_page(request, forms={declaration.pk: {"send_back": form}}, status=422)
    try:
        declaration_return_to_seller(
            declaration=declaration, reason=form.cleaned_data["reason"], actor=request.user
        )
    except DomainError as exc:
        form.add_error(None, error_message(exc))
        return _customs_page(
            request, forms={declaration.pk: {"send_back": form}}, status=exc.status
        )
    messages.success(
        request,
        _("%(code)s goes back to its seller; the buyer is refunded.") % {"code": parcel.code},
    )
    return HttpResponseRedirect(reverse("web:hub-customs"))


@require_GET
@hub_page
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("web:hub-scan"))
