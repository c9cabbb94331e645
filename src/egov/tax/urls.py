from django.urls import path

from egov.tax import views

app_name = "tax"
urlpatterns = [
    path("business/tax/invoices/", views.invoice_list, name="invoices"),
    path("business/tax/invoices/new", views.invoice_issue, name="invoice_issue"),
    path("business/tax/invoices/<str:approval_number>/", views.invoice_page, name="invoice"),
    path("business/tax/vat/", views.vat_returns, name="vat_returns"),
    path("business/tax/vat/<str:period>/", views.vat_return_page, name="vat_return"),
    path("office/tax/vat/", views.office_vat_returns, name="office_vat_returns"),
    path("office/tax/vat/<str:number>/refund", views.office_vat_refund, name="office_vat_refund"),
    path("tax/yearend/", views.yearend_page, name="yearend"),
    path("tax/yearend/fetch", views.yearend_fetch, name="yearend_fetch"),
    path("tax/yearend/<int:year>/give", views.yearend_give, name="yearend_give"),
    path("business/tax/yearend/", views.yearend_received, name="yearend_received"),
    path("business/tax/yearend/<int:pk>/", views.yearend_statement, name="yearend_statement"),
    path(
        "business/tax/yearend/<int:pk>/receipt.pdf", views.yearend_statement_pdf, name="yearend_statement_pdf"
    ),
    path("business/tax/yearend/<int:pk>/pdf", views.yearend_received_pdf, name="yearend_received_pdf"),
]
