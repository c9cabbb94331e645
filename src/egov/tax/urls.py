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
]
