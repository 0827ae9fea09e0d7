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
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
]
