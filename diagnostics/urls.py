from django.urls import path

from diagnostics import views

app_name = "diagnostics"

urlpatterns = [
    path("", views.home, name="home"),
    path("offices/<slug:slug>/", views.office_detail, name="office"),
    path("offices/<slug:slug>/commencer/", views.diagnostic_start, name="start"),
    path("diagnostics/<int:pk>/", views.diagnostic_resume, name="resume"),
    path("diagnostics/<int:pk>/axes/<slug:code>/", views.diagnostic_axis, name="axis"),
    path(
        "diagnostics/<int:pk>/questions/<int:question_pk>/",
        views.answer_autosave,
        name="autosave",
    ),
    path("diagnostics/<int:pk>/relecture/", views.diagnostic_review, name="review"),
    path("diagnostics/<int:pk>/abandonner/", views.diagnostic_abandon, name="abandon"),
    path("diagnostics/<int:pk>/importance/", views.axis_importance, name="importance"),
    path("diagnostics/<int:pk>/resultats/", views.results, name="results"),
    path("diagnostics/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("offices/<slug:slug>/plan/", views.plan, name="plan"),
    path("offices/<slug:slug>/mutualisation/", views.pooling_opt_in, name="pooling"),
    path("offices/<slug:slug>/plan/priorite/", views.action_from_priority, name="plan_priority"),
    path("offices/<slug:slug>/plan/<int:pk>/", views.action_edit, name="action_edit"),
    path("offices/<slug:slug>/plan/<int:pk>/supprimer/", views.action_delete, name="action_delete"),
]
