from django.urls import path

from egov.payments import views

app_name = "payments"
urlpatterns = [
    path("my/payments/", views.my_payments, name="my_payments"),
    path("office/payments/", views.queue, name="queue"),
    path("office/payments/items/<int:item_id>/<slug:action>", views.act, name="act"),
    path("office/payments/counter", views.counter_confirm, name="counter_confirm"),
    path("office/payments/refunds", views.refund_file_create, name="refund_file_create"),
    path("office/payments/orders/refund", views.order_refund, name="order_refund"),
    path("office/payments/refunds/<str:message_id>.xml", views.refund_file_download, name="refund_file"),
]
