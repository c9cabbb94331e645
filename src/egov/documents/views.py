"""Pages: public verification, a citizen's documents, an agency's register and revocation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from egov.core import ratelimit
from egov.core.errors import NotFound
from egov.core.web import form_attempt, official_required, page_of
from egov.documents import selectors, services, verification
from egov.documents.forms import RevokeForm, VerifyFileForm, VerifyJwsForm, VerifyNumberForm

OFFICE_PAGE = 100


@never_cache
def verify(request):
    """Public: check a document by number, by the QR code's link, by its PDF or its JWS."""
    forms = {"number": VerifyNumberForm(), "file": VerifyFileForm(), "jws": VerifyJwsForm()}
    result, status = None, 200
    query = request.GET
    run = None
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind == "file":
            form = forms["file"] = VerifyFileForm(request.POST, request.FILES)
        elif kind == "jws":
            form = forms["jws"] = VerifyJwsForm(request.POST)
        else:
            form = forms["number"] = VerifyNumberForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if "file" in data:
                upload = data["file"]
                if upload.size > verification.MAX_PDF_BYTES:
                    form.add_error("file", _("A PDF to check may be at most 5 MB."))
                else:
                    content = upload.read()
                    run = lambda: verification.verify_pdf(content)  # noqa: E731
            elif "jws" in data:
                run = lambda: verification.verify_jws(data["jws"])  # noqa: E731
            else:
                run = lambda: verification.verify_number(data["number"])  # noqa: E731
    elif {"n", "h", "k", "s"} <= set(query):  # the QR code's link
        form = forms["number"] = VerifyNumberForm({"number": query["n"]})
        run = lambda: verification.verify_seal(  # noqa: E731
            number=query["n"], digest=query["h"], kid=query["k"], seal=query["s"]
        )
    elif "n" in query:
        form = forms["number"] = VerifyNumberForm({"number": query["n"]})
        run = lambda: verification.verify_number(query["n"])  # noqa: E731
    if run is not None:
        try:
            result = form_attempt(form, lambda: verification.verify_guarded(request, run))
        except ratelimit.RateLimited as exc:
            status = 429
            messages.error(
                request,
                _("Too many checks from your connection; try again in %(s)d seconds.")
                % {"s": exc.retry_after},
            )
    return render(request, "documents/verify.html", {"forms": forms, "result": result}, status=status)


@login_required
def my_documents(request):
    user = request.user
    if user.is_official:
        raise DjangoPermissionDenied
    page = page_of(request, selectors.document_list_for(actor=user).order_by("-issued_at", "-id"))
    return render(request, "documents/my_documents.html", {"documents": page.object_list, "page": page})


def _download(request, number: str, kind: str):
    try:
        document = services.document_for(actor=request.user, number=number)
    except NotFound:
        raise Http404 from None
    if kind == "pdf":
        response = HttpResponse(services.document_pdf(document), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{document.doc_type}-{document.number}.pdf"'
    else:
        response = HttpResponse(services.document_jws(document), content_type="application/jose")
        response["Content-Disposition"] = f'attachment; filename="{document.doc_type}-{document.number}.jws"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request, number: str, kind: str):
    """The PDF or the JWS, for the subject, the subject's representative or an official of the
    issuing agency (with both factors); anyone else gets 404."""
    if request.user.is_official and not request.user.is_verified():
        raise DjangoPermissionDenied
    return _download(request, number, kind)


@official_required
def office_documents(request):
    number = request.GET.get("number", "").strip()
    documents = selectors.document_search_for(actor=request.user, number=number)
    return render(
        request,
        "documents/office_documents.html",
        {"documents": documents[:OFFICE_PAGE], "number": number, "limit": OFFICE_PAGE},
    )


@official_required
def office_document(request, number: str):
    document = services.document_for(actor=request.user, number=number)
    return render(request, "documents/office_document.html", {"document": document, "form": RevokeForm()})


@official_required
@require_POST
def office_document_revoke(request, number: str):
    document = services.document_for(actor=request.user, number=number)
    form = RevokeForm(request.POST)
    call = lambda: services.document_revoke(  # noqa: E731
        actor=request.user, document=document, reason=form.cleaned_data["reason"]
    )
    if form.is_valid() and form_attempt(form, call):
        messages.success(request, _("The document is revoked; verification shows it at once."))
        return redirect("documents:office_document", number=document.number)
    return render(request, "documents/office_document.html", {"document": document, "form": form}, status=400)
