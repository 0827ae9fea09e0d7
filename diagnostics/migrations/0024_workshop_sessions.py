# Sessions become dated and timed, with seats, a place or a video link, who runs them;
# businesses register to them. Existing sessions (dates only) keep their rows: they start
# at 9:00, Paris time, and end 2 hours later for a workshop or a webinar, at 17:00 on
# their last day otherwise.

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PARIS = ZoneInfo("Europe/Paris")
SHORT_FORMATS = {"workshop", "webinar"}


def dates_to_datetimes(apps, schema_editor):
    TrainingSession = apps.get_model("diagnostics", "TrainingSession")
    sessions = list(TrainingSession.objects.select_related("training"))
    for session in sessions:
        session.office_id = session.training.organiser_id
        session.starts_at = datetime.combine(session.starts, time(9), tzinfo=PARIS)
        if session.ends is None and session.training.format in SHORT_FORMATS:
            session.ends_at = session.starts_at + timedelta(hours=2)
        else:
            session.ends_at = datetime.combine(session.ends or session.starts, time(17), tzinfo=PARIS)
    TrainingSession.objects.bulk_update(sessions, ["office", "starts_at", "ends_at"])


def datetimes_to_dates(apps, schema_editor):
    TrainingSession = apps.get_model("diagnostics", "TrainingSession")
    sessions = list(TrainingSession.objects.all())
    for session in sessions:
        session.starts = session.starts_at.astimezone(PARIS).date()
        session.ends = session.ends_at.astimezone(PARIS).date()
    TrainingSession.objects.bulk_update(sessions, ["starts", "ends"])


class Migration(migrations.Migration):

    dependencies = [
        ('diagnostics', '0023_office_appointments'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='trainingsession',
            name='training_session_ends_after_start',
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='starts_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='ends_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AlterField(
            model_name='trainingsession',
            name='starts',
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='office',
            field=models.ForeignKey(blank=True, help_text='Vide pour une session du réseau, ouverte à tous.', limit_choices_to={'kind': 'office'}, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='workshop_sessions', to='diagnostics.organisation', verbose_name='office organisateur'),
        ),
        migrations.RunPython(dates_to_datetimes, datetimes_to_dates),
        migrations.RemoveField(model_name='trainingsession', name='starts'),
        migrations.RemoveField(model_name='trainingsession', name='ends'),
        migrations.RenameField(model_name='trainingsession', old_name='starts_at', new_name='starts'),
        migrations.RenameField(model_name='trainingsession', old_name='ends_at', new_name='ends'),
        migrations.CreateModel(
            name='SessionLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('invitation', 'Invitation'), ('confirmation', 'Confirmation'), ('promotion', 'Place libérée'), ('reminder', 'Rappel'), ('cancellation', 'Annulation'), ('survey', 'Questions après l’atelier')], max_length=12, verbose_name='e-mail')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='empreinte du jeton')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créé le')),
                ('expires_at', models.DateTimeField(verbose_name='expire le')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyé le')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='révoqué le')),
            ],
            options={
                'verbose_name': 'lien de session',
                'verbose_name_plural': 'liens de session',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='SessionRegistration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('registered', 'Inscrit'), ('waiting', 'Sur liste d’attente'), ('cancelled', 'Désinscrit')], max_length=10, verbose_name='statut')),
                ('source', models.CharField(choices=[('invitation', 'Depuis l’invitation'), ('page', 'Depuis sa page personnelle'), ('office', 'Ajouté par l’office')], max_length=10, verbose_name='origine')),
                ('registered_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='inscrit le')),
                ('cancelled_at', models.DateTimeField(blank=True, null=True, verbose_name='désinscrit le')),
                ('promoted_at', models.DateTimeField(blank=True, help_text='Passé de la liste d’attente à une place qui s’est libérée.', null=True, verbose_name='place libérée le')),
                ('attended', models.BooleanField(blank=True, null=True, verbose_name='présent')),
                ('useful', models.CharField(blank=True, choices=[('yes', 'Oui, tout à fait'), ('partly', 'En partie'), ('no', 'Non')], max_length=10, verbose_name='atelier utile ?')),
                ('next_step', models.CharField(blank=True, choices=[('further', 'Un atelier pour aller plus loin sur ce sujet'), ('other_topic', 'Un atelier sur un autre sujet'), ('appointment', 'Un rendez-vous individuel avec l’office'), ('alone', 'Rien pour l’instant : je mets en pratique')], max_length=12, verbose_name='et maintenant ?')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='commentaire')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='réponses reçues le')),
            ],
            options={
                'verbose_name': 'inscription à une session',
                'verbose_name_plural': 'inscriptions aux sessions',
                'ordering': ['session', 'registered_at', 'pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='trainingsession',
            options={'ordering': ['starts', 'pk'], 'verbose_name': 'session', 'verbose_name_plural': 'sessions'},
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='attendance_marked_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='présences notées le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='cancellation_note',
            field=models.CharField(blank=True, max_length=300, verbose_name='motif de l’annulation'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='cancelled_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='annulée le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='capacity',
            field=models.PositiveIntegerField(blank=True, help_text='Vide : sans limite.', null=True, verbose_name='nombre de places'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='programmée le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='programmée par'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='facilitator',
            field=models.CharField(blank=True, max_length=160, verbose_name='animé par'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='invitations_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='invitations envoyées le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='partner',
            field=models.CharField(blank=True, max_length=160, verbose_name='partenaire'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='reminder_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='rappel envoyé le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='survey_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='questions envoyées le'),
        ),
        migrations.AddField(
            model_name='trainingsession',
            name='video_link',
            field=models.URLField(blank=True, verbose_name='lien de visioconférence'),
        ),
        migrations.AlterField(
            model_name='trainingsession',
            name='ends',
            field=models.DateTimeField(verbose_name='fin'),
        ),
        migrations.AlterField(
            model_name='trainingsession',
            name='place',
            field=models.CharField(blank=True, max_length=200, verbose_name='lieu'),
        ),
        migrations.AlterField(
            model_name='trainingsession',
            name='starts',
            field=models.DateTimeField(verbose_name='début'),
        ),
        migrations.AddIndex(
            model_name='trainingsession',
            index=models.Index(fields=['training', 'starts'], name='session_training_starts'),
        ),
        migrations.AddIndex(
            model_name='trainingsession',
            index=models.Index(fields=['office', 'starts'], name='session_office_starts'),
        ),
        migrations.AddConstraint(
            model_name='trainingsession',
            constraint=models.CheckConstraint(condition=models.Q(('ends__gte', models.F('starts'))), name='training_session_ends_after_start'),
        ),
        migrations.AddConstraint(
            model_name='trainingsession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('place', ''), _negated=True), models.Q(('video_link', ''), _negated=True), _connector='OR'), name='training_session_place_or_link'),
        ),
        migrations.AddConstraint(
            model_name='trainingsession',
            constraint=models.CheckConstraint(condition=models.Q(('capacity__isnull', True), ('capacity__gte', 1), _connector='OR'), name='training_session_capacity_positive'),
        ),
        migrations.AddField(
            model_name='sessionlink',
            name='business',
            field=models.ForeignKey(limit_choices_to={'kind': 'business'}, on_delete=django.db.models.deletion.CASCADE, related_name='session_links', to='diagnostics.organisation', verbose_name='prestataire'),
        ),
        migrations.AddField(
            model_name='sessionlink',
            name='session',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='diagnostics.trainingsession', verbose_name='session'),
        ),
        migrations.AddField(
            model_name='sessionregistration',
            name='added_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ajouté par'),
        ),
        migrations.AddField(
            model_name='sessionregistration',
            name='business',
            field=models.ForeignKey(limit_choices_to={'kind': 'business'}, on_delete=django.db.models.deletion.CASCADE, related_name='session_registrations', to='diagnostics.organisation', verbose_name='prestataire'),
        ),
        migrations.AddField(
            model_name='sessionregistration',
            name='session',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='registrations', to='diagnostics.trainingsession', verbose_name='session'),
        ),
        migrations.AddIndex(
            model_name='sessionlink',
            index=models.Index(fields=['session', 'business'], name='session_link_pair'),
        ),
        migrations.AddIndex(
            model_name='sessionregistration',
            index=models.Index(fields=['business', 'session'], name='registration_business'),
        ),
        migrations.AddConstraint(
            model_name='sessionregistration',
            constraint=models.UniqueConstraint(fields=('session', 'business'), name='session_registration_once'),
        ),
    ]
