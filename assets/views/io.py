"""Import and export pages of the asset register: thin adapters over assets/io/."""

from __future__ import annotations

import io
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import Capability, can
from accounts.security import Kind, record_security_event
from assets.filters import AssetFilterSet
from assets.forms.io import ExportForm, ImportForm
from assets.io.background import import_start, job_result
from assets.io.columns import COLUMNS, SPEC_PREFIX, spec_keys_in_use
from assets.io.write import FORMATS, csv_chunks, export_file_name, write_template, write_xlsx
from assets.models import ImportJob
from assets.selectors.imports import import_job_for
from assets.selectors.register import assets_visible_to
from core.replicas import replica_reads
from sla.selectors import contracts_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A page listing tens of thousands of errors helps nobody; the first ones show what is wrong.
ERRORS_SHOWN = 500


@login_required
def import_page(request):
    """GET: the form and the column help. POST: import, then the counts or every error; a
    large file goes to the background and the page follows its progress (import_job)."""
    if not can(request.user, Capability.IMPORT_ASSETS):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_start(actor=request.user, contract=form.cleaned_data["contract"],
                              file_name=upload.name, data=upload,
                              dry_run=form.cleaned_data["dry_run"])
        if isinstance(result, ImportJob):
            record_security_event(Kind.IMPORT, request=request, target=f"assets {upload.name}",
                                  details={"dry_run": result.dry_run, "background": True,
                                           "job": str(result.pk)})
            return redirect("assets:import_job", result.pk)
        record_security_event(Kind.IMPORT, request=request, target=f"assets {upload.name}",
                              details={"dry_run": result.dry_run, "rows": result.rows,
                                       "errors": len(result.errors)})
    return _import_page(request, form, result)


@login_required
def import_job(request, pk):
    """A background import: the whole page, or (htmx polling) only its progress or result."""
    if not can(request.user, Capability.IMPORT_ASSETS):
        raise PermissionDenied
    try:
        job = import_job_for(request.user, pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None
    finished = job_result(job)
    result, error_count = finished if finished else (None, 0)
    context = {"job": job, **_result_context(result, error_count)}
    if request.htmx:
        return render(request, "assets/io/_job.html", context)
    return _import_page(request, ImportForm(user=request.user), None, context)


def _result_context(result, error_count=None) -> dict:
    if result is None:
        return {"result": None, "errors_shown": [], "errors_hidden": 0, "error_count": 0}
    count = len(result.errors) if error_count is None else error_count
    shown = result.errors[:ERRORS_SHOWN]
    return {"result": result, "errors_shown": shown, "errors_hidden": max(0, count - len(shown)),
            "error_count": count}


def _import_page(request, form, result, extra=None):
    return render(request, "assets/io/import.html", {
        "form": form, "columns": COLUMNS, **_result_context(result), **(extra or {}),
        "spec_columns": [SPEC_PREFIX + key for key in spec_keys_in_use()],
    })


@login_required
def import_template(request):
    if not can(request.user, Capability.IMPORT_ASSETS):
        raise PermissionDenied
    buffer = io.BytesIO()
    write_template(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename="asset-import-template.xlsx",
                        content_type=XLSX)


@login_required
@replica_reads
def export(request):
    """?contract=CODE&format=xlsx|csv (and the register list's other filters) downloads;
    without a contract, a small form to choose one."""
    if not can(request.user, Capability.SEE_ASSETS):
        raise PermissionDenied
    code = request.GET.get("contract")
    if not code:
        form = ExportForm(user=request.user)
        return render(request, "assets/io/export.html", {"form": form})
    contract = contracts_visible_to(request.user).filter(code=code).first()
    if contract is None:
        raise Http404
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown format."))
    # The register list's own FilterSet, so "export" downloads exactly what the list shows
    # (retired assets only when the list is filtered to them).
    assets = AssetFilterSet(request.GET, queryset=assets_visible_to(request.user),
                            request=request).qs
    name = export_file_name(contract, fmt)
    record_security_event(Kind.EXPORT, request=request, target=f"assets {name}",
                          details={"query": request.GET.urlencode()[:500]})
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(contract=contract, assets=assets),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # The workbook is spooled to a temporary file (deleted on close), then streamed from it.
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(contract=contract, out=spool, assets=assets)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)
