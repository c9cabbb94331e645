from django.urls import path

from egov.procurement import views

app_name = "procurement"
urlpatterns = [
    path("procurement/", views.tender_list, name="tenders"),
    path("procurement/suppliers/register", views.supplier_register, name="supplier_register"),
    path("procurement/suppliers/tokens", views.bid_tokens, name="bid_tokens"),
    path("procurement/suppliers/tokens/<int:pk>/revoke", views.bid_token_revoke, name="bid_token_revoke"),
    path("procurement/tenders/<str:number>/", views.tender_page, name="tender"),
    path("procurement/tenders/<str:number>/bid", views.bid_submit, name="bid"),
    path("procurement/tenders/<str:number>/bids/<int:bid_id>/receipt", views.bid_receipt, name="bid_receipt"),
    path("procurement/tenders/<str:number>/withdraw", views.bid_withdraw, name="withdraw"),
    path("procurement/tenders/<str:number>/ask", views.question_ask, name="ask"),
    path("procurement/contracts/", views.my_contracts, name="my_contracts"),
    path("procurement/contracts/<str:number>/", views.my_contract, name="my_contract"),
    path("office/procurement/", views.office_tenders, name="office_tenders"),
    path("office/procurement/new", views.office_tender_publish, name="office_publish"),
    path("office/procurement/tenders/<str:number>/", views.office_tender, name="office_tender"),
    path("office/procurement/tenders/<str:number>/share", views.office_share_collect, name="office_share"),
    path("office/procurement/tenders/<str:number>/open", views.office_share_submit, name="office_open"),
    path("office/procurement/tenders/<str:number>/award", views.office_award, name="office_award"),
    path("office/procurement/tenders/<str:number>/cancel", views.office_tender_cancel, name="office_cancel"),
    path(
        "office/procurement/tenders/<str:number>/contract",
        views.office_contract_issue,
        name="office_contract_issue",
    ),
    path("office/procurement/contracts/<str:number>/", views.office_contract, name="office_contract"),
    path(
        "office/procurement/contracts/<str:number>/milestones",
        views.office_milestone_add,
        name="office_milestone_add",
    ),
    path(
        "office/procurement/milestones/<int:pk>/decide",
        views.office_milestone_decide,
        name="office_milestone_decide",
    ),
    path("office/procurement/milestones/<int:pk>/pay", views.office_payment_record, name="office_payment"),
    path("office/procurement/questions/<int:pk>/answer", views.office_answer, name="office_answer"),
]
