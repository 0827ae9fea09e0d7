from django.urls import path

from diagnostics import views
from diagnostics.views import (
    answers,
    business_detail,
    business_link,
    businesses,
    impact,
    legal,
    opinions,
    personal_data,
    session_link,
    sessions,
    targets,
    team,
    territory,
    websites,
)

app_name = "diagnostics"

urlpatterns = [
    path("", views.home, name="home"),
    path("offices/<slug:slug>/", views.office_detail, name="office"),
    path("offices/<slug:slug>/commencer/", views.diagnostic_start, name="start"),
    path("offices/<slug:slug>/site-web/relever/", websites.website_check, name="website_check"),
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
    # « Avis de l’équipe » (diagnostics/views/opinions.py)
    path("diagnostics/<int:pk>/avis-equipe/", opinions.team_opinions, name="team_opinions"),
    path(
        "diagnostics/<int:pk>/avis-equipe/ouvrir/",
        opinions.opinion_round_open,
        name="opinion_round_open",
    ),
    path(
        "diagnostics/<int:pk>/avis-equipe/inviter/", opinions.opinion_invite, name="opinion_invite"
    ),
    path(
        "diagnostics/<int:pk>/avis-equipe/personnes/<int:respondent_pk>/renvoyer/",
        opinions.opinion_resend,
        name="opinion_resend",
    ),
    path(
        "diagnostics/<int:pk>/avis-equipe/personnes/<int:respondent_pk>/retirer/",
        opinions.opinion_revoke,
        name="opinion_revoke",
    ),
    path(
        "diagnostics/<int:pk>/avis-equipe/questions/<int:question_pk>/arreter/",
        opinions.opinion_settle,
        name="opinion_settle",
    ),
    path("diagnostics/<int:pk>/mon-avis/", opinions.my_opinion, name="my_opinion"),
    path("avis/<str:token>/", opinions.opinion_link, name="opinion_link"),
    path("diagnostics/<int:pk>/niveaux-vises/", targets.axis_targets, name="targets"),
    path("diagnostics/<int:pk>/reponses/", answers.diagnostic_answers, name="answers"),
    path("diagnostics/<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("diagnostics/<int:pk>/express/", views.express_profile, name="express_results"),
    path(
        "diagnostics/<int:pk>/express/continuer/",
        views.express_continue,
        name="express_continue",
    ),
    # The office's team and invitations (diagnostics/views/team.py)
    path("offices/<slug:slug>/equipe/", team.team, name="team"),
    path("offices/<slug:slug>/equipe/inviter/", team.team_invite, name="team_invite"),
    path("offices/<slug:slug>/equipe/membres/<int:pk>/role/", team.member_role, name="member_role"),
    path(
        "offices/<slug:slug>/equipe/membres/<int:pk>/retirer/",
        team.member_remove,
        name="member_remove",
    ),
    path(
        "offices/<slug:slug>/equipe/invitations/<int:pk>/renvoyer/",
        team.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "offices/<slug:slug>/equipe/invitations/<int:pk>/revoquer/",
        team.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "offices/<slug:slug>/invitation/<str:token>/",
        team.invitation_accept,
        name="invitation",
    ),
    path(
        "offices/<slug:slug>/equipe/membres/<int:pk>/prestataires/",
        team.member_businesses,
        name="member_businesses",
    ),
    # The office's businesses and their invitations (diagnostics/views/businesses.py)
    path("offices/<slug:slug>/prestataires/", businesses.businesses, name="businesses"),
    path("offices/<slug:slug>/prestataires/ajouter/", businesses.business_add, name="business_add"),
    path(
        "offices/<slug:slug>/prestataires/<int:pk>/",
        businesses.business_edit,
        name="business_edit",
    ),
    # A business's diagnostic, for its office when it agreed (diagnostics/visibility.py)
    path(
        "offices/<slug:slug>/prestataires/diagnostics/<int:pk>/",
        business_detail.business_detail,
        name="business_detail",
    ),
    path(
        "offices/<slug:slug>/prestataires/diagnostics/<int:pk>/pdf/",
        business_detail.business_detail_pdf,
        name="business_detail_pdf",
    ),
    path(
        "offices/<slug:slug>/prestataires/importer/",
        businesses.businesses_import,
        name="businesses_import",
    ),
    path(
        "offices/<slug:slug>/prestataires/importer/confirmer/",
        businesses.businesses_import_confirm,
        name="businesses_import_confirm",
    ),
    path(
        "offices/<slug:slug>/prestataires/campagne/",
        businesses.business_campaign_open,
        name="business_campaign_open",
    ),
    path(
        "offices/<slug:slug>/prestataires/inviter/",
        businesses.businesses_invite,
        name="businesses_invite",
    ),
    path(
        "offices/<slug:slug>/prestataires/envois/<str:batch>/",
        businesses.businesses_progress,
        name="businesses_progress",
    ),
    path(
        "offices/<slug:slug>/prestataires/<int:pk>/renvoyer/",
        businesses.businesses_link_resend,
        name="businesses_link_resend",
    ),
    path(
        "offices/<slug:slug>/prestataires/<int:pk>/desactiver/",
        businesses.businesses_link_revoke,
        name="businesses_link_revoke",
    ),
    # The office's territory: its businesses and their workshops (diagnostics/views/territory.py)
    path("offices/<slug:slug>/territoire/", territory.territory_page, name="territory"),
    # The workshops' impact: re-diagnosis of attendees, the yearly bilan (views/impact.py)
    path(
        "offices/<slug:slug>/territoire/re-diagnostic/",
        impact.rediagnosis_page,
        name="rediagnosis",
    ),
    path(
        "offices/<slug:slug>/territoire/re-diagnostic/delai/",
        impact.rediagnosis_delay,
        name="rediagnosis_delay",
    ),
    path(
        "offices/<slug:slug>/territoire/re-diagnostic/inviter/",
        impact.rediagnosis_invite,
        name="rediagnosis_invite",
    ),
    path(
        "offices/<slug:slug>/territoire/bilan-<int:year>.<slug:fmt>",
        impact.bilan_download,
        name="bilan",
    ),
    path(
        "offices/<slug:slug>/territoire/prestataires.<slug:fmt>",
        territory.territory_export,
        name="territory_export",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/", territory.workshop_programme, name="workshops"
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/<int:pk>/contacts.csv",
        territory.workshop_contacts,
        name="workshop_contacts",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/nouveau/",
        territory.workshop_edit,
        name="workshop_add",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/<int:pk>/modifier/",
        territory.workshop_edit,
        name="workshop_edit",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/rendez-vous/",
        territory.workshop_appointments,
        name="workshop_appointments",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/<int:pk>/supprimer/",
        territory.workshop_delete,
        name="workshop_delete",
    ),
    # The office's workshop sessions (diagnostics/views/sessions.py)
    path(
        "offices/<slug:slug>/territoire/ateliers/<int:pk>/",
        sessions.workshop_page,
        name="workshop",
    ),
    path(
        "offices/<slug:slug>/territoire/ateliers/<int:pk>/programmer/",
        sessions.session_schedule,
        name="session_add",
    ),
    path("offices/<slug:slug>/sessions/<int:pk>/", sessions.session_page, name="session"),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/inscriptions/",
        sessions.session_registrations,
        name="session_registrations",
    ),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/inviter/",
        sessions.session_invite,
        name="session_invite",
    ),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/ajouter/",
        sessions.session_add_business,
        name="session_add_business",
    ),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/presences/",
        sessions.session_attendance,
        name="session_attendance",
    ),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/annuler/",
        sessions.session_cancel,
        name="session_cancel",
    ),
    path(
        "offices/<slug:slug>/sessions/<int:pk>/session.ics",
        sessions.session_ics,
        name="session_ics",
    ),
    # A business's page for one session, from a session e-mail (diagnostics/views/session_link.py)
    path("atelier/<str:token>/", session_link.session_link_home, name="session_link"),
    path(
        "atelier/<str:token>/inscription/",
        session_link.session_link_sign_up,
        name="session_link_sign_up",
    ),
    path(
        "atelier/<str:token>/desinscription/",
        session_link.session_link_cancel,
        name="session_link_cancel",
    ),
    path(
        "atelier/<str:token>/questions/",
        session_link.session_link_survey,
        name="session_link_survey",
    ),
    path("atelier/<str:token>/session.ics", session_link.session_link_ics, name="session_link_ics"),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path("donnees-personnelles/", legal.personal_data, name="personal_data"),
    path("mentions-legales/", legal.legal_notice, name="legal_notice"),
    # A business's pages, from its personal link (diagnostics/views/business_link.py)
    path("prestataire/<str:token>/", business_link.business_link_home, name="business_link_home"),
    path(
        "prestataire/<str:token>/reprendre/",
        business_link.business_link_resume,
        name="business_link_resume",
    ),
    path(
        "prestataire/<str:token>/axes/<slug:code>/",
        business_link.business_link_axis,
        name="business_link_axis",
    ),
    path(
        "prestataire/<str:token>/questions/<int:question_pk>/",
        business_link.business_link_autosave,
        name="business_link_autosave",
    ),
    path(
        "prestataire/<str:token>/relecture/",
        business_link.business_link_review,
        name="business_link_review",
    ),
    path(
        "prestataire/<str:token>/resultats/",
        business_link.business_link_results,
        name="business_link_results",
    ),
    path(
        "prestataire/<str:token>/sessions/<int:pk>/inscription/",
        business_link.business_link_session_sign_up,
        name="business_link_session_sign_up",
    ),
    path(
        "prestataire/<str:token>/sessions/<int:pk>/desinscription/",
        business_link.business_link_session_cancel,
        name="business_link_session_cancel",
    ),
    path(
        "prestataire/<str:token>/rapport.pdf",
        business_link.business_link_report_pdf,
        name="business_link_report_pdf",
    ),
    path(
        "prestataire/<str:token>/site-web/",
        business_link.business_link_website,
        name="business_link_website",
    ),
    # The data subjects' rights (diagnostics/views/personal_data.py)
    path(
        "prestataire/<str:token>/donnees.<slug:fmt>",
        personal_data.business_data_download,
        name="business_link_data_download",
    ),
    path(
        "prestataire/<str:token>/effacer/",
        personal_data.business_data_erase,
        name="business_link_data_erase",
    ),
    path(
        "offices/<slug:slug>/prestataires/<int:pk>/donnees.<slug:fmt>",
        personal_data.office_business_data_download,
        name="office_business_data_download",
    ),
    path(
        "offices/<slug:slug>/prestataires/<int:pk>/effacer/",
        personal_data.office_business_data_erase,
        name="office_business_data_erase",
    ),
    path("offices/<slug:slug>/donnees.zip", personal_data.office_data_zip, name="office_data_zip"),
    path("offices/<slug:slug>/plan/", views.plan, name="plan"),
    path("offices/<slug:slug>/mutualisation/", views.pooling_opt_in, name="pooling"),
    path("offices/<slug:slug>/plan/priorite/", views.action_from_priority, name="plan_priority"),
    path("offices/<slug:slug>/plan/<int:pk>/", views.action_edit, name="action_edit"),
    path("offices/<slug:slug>/plan/<int:pk>/supprimer/", views.action_delete, name="action_delete"),
]
