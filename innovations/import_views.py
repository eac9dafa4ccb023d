"""The ministry imports existing innovations from a spreadsheet (innovations.importer)."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from innovations import importer
from jipp.access import AuthedRequest, role_required
from jipp.models import Role


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (XLSX or CSV)"),
        help_text=_("At most 10 MB and 5,000 rows, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check every row and import nothing"), required=False, initial=True
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > importer.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


@role_required(Role.MINISTRY)
def import_innovations(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importer.run_import(
                file=form.cleaned_data["file"],
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except importer.ImportFileError as error:
            form.add_error("file", str(error))
    return render(request, "innovations/import.html", {"form": form, "result": result})
