"""The training catalogue: sessions matching an audience, and the training needs of a campaign."""

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from diagnostics.models import (
    Answer,
    Audience,
    Office,
    Organisation,
    Questionnaire,
    Training,
    TrainingSession,
)
from diagnostics.network import NetworkDepartment, departments_named
from diagnostics.scoring import is_weak
from diagnostics.selectors.statistics import latest_submitted, per_submission
from diagnostics.selectors.structure import questionnaire_axes
from snut import page_memo

# --- the training catalogue -----------------------------------------------------


@dataclass
class TrainingMatches:
    """The catalogue's trainings by the question codes and axis codes they address."""

    by_question: dict[str, list]
    by_axis: dict[str, list]

    def for_priority(self, question_code: str, axis_code: str) -> list:
        """Trainings on the question itself, else those on its whole axis."""
        return self.by_question.get(question_code) or self.by_axis.get(axis_code, [])


def business_workshops(office_id: int) -> QuerySet[Training]:
    """The workshops an office's businesses may be offered: its own, and the network's
    but for its individual appointments (« Accompagnement individuel », such as the
    « Rendez-vous numérique individuel »), kept only when the office chose to offer them
    (`offers_appointments`). The one rule of the business's page and report, the office's
    view of a business and the workshop programme; read in the same query (no more)."""
    offers = Exists(Organisation.objects.filter(pk=office_id, offers_appointments=True))
    network = Q(organiser__isnull=True) & (~Q(format=Training.Format.COACHING) | offers)
    return Training.objects.filter(network | Q(organiser_id=office_id)).filter(
        audience=Audience.BUSINESSES
    )


def upcoming_sessions(office_id: int | None = None) -> QuerySet[TrainingSession]:
    """The sessions still to come and not cancelled, soonest first: the network's (open to
    all) and, given an office, those it runs for its businesses."""
    whose = Q(office__isnull=True)
    if office_id is not None:
        whose |= Q(office=office_id)
    return TrainingSession.objects.filter(
        whose, starts__gte=timezone.now(), cancelled_at__isnull=True
    ).order_by("starts", "pk")


def training_matches(
    audience: str,
    organiser_id: int | None = None,
    *,
    questions: Collection[str] | None = None,
    axes: Collection[str] | None = None,
) -> TrainingMatches:
    """Every training for `audience` of the network's catalogue, or the workshops the
    businesses of the office `organiser_id` may be offered when given (`business_workshops`),
    each with `upcoming` sessions (`upcoming_sessions`): four queries. With `questions` and
    `axes` (codes), only the trainings on one of them: the ones a plan of these priorities
    looks up."""
    if organiser_id is not None:
        trainings = business_workshops(organiser_id)
    else:
        trainings = Training.objects.filter(organiser__isnull=True, audience=audience)
    if questions is not None or axes is not None:
        trainings = trainings.filter(
            Q(questions__code__in=questions or ()) | Q(axes__code__in=axes or ())
        ).distinct()
    # Read as rows rather than prefetched objects: the codes are all a match needs.
    found = {training.pk: training for training in trainings}
    if not found:
        return TrainingMatches({}, {})
    for training in found.values():
        training.upcoming = []
    for session in upcoming_sessions(organiser_id).filter(training_id__in=found):
        found[session.training_id].upcoming.append(session)
    place = {pk: index for index, pk in enumerate(found)}  # the catalogue's order
    by_question: dict[str, list] = {}
    by_axis: dict[str, list] = {}
    for links, by_code, code in (
        (Training.questions.through.objects, by_question, "question__code"),
        (Training.axes.through.objects, by_axis, "axis__code"),
    ):
        pairs = links.filter(training_id__in=found).values_list("training_id", code).distinct()
        for training_id, value in sorted(pairs, key=lambda pair: place[pair[0]]):
            by_code.setdefault(value, []).append(found[training_id])
    return TrainingMatches(by_question, by_axis)


@dataclass
class TrainingNeed:
    training: Training
    by_department: dict[str, int]  # department code → offices with a weak answer

    @property
    def total(self) -> int:
        return sum(self.by_department.values())


def weak_choices(questionnaire: Questionnaire, codes) -> dict[int, str]:
    """The choices of these questions (by code) that are weak answers (scoring.is_weak:
    under WEAK_SHARE of their question's best points), with their question's code: read
    from the questionnaire's structure in memory, so that the database filters the weak
    answers itself."""
    weak = {}
    for axis in questionnaire_axes(questionnaire):
        for question in axis.questions.all():
            if question.code not in codes:
                continue
            best = question.best_points
            for choice in question.choices.all():
                if is_weak(choice.points, best):
                    weak[choice.pk] = question.code
    return weak


def weak_organisations(campaign, *, keep=False) -> dict[str, list[int]]:
    """Question code → ids of the organisations whose latest submitted diagnostic of the
    campaign answered it weakly: the codes each diagnostic stored at its submission
    (Diagnostic.weak_questions), not its answers. Kept once per submission
    (`per_submission`, in the database too once a submission's task kept it: `keep`): one
    query when cached, two or three otherwise."""

    def compute() -> dict[str, list[int]]:
        by_code: dict[str, list[int]] = {}
        for organisation, codes in (
            latest_submitted()
            .filter(campaign=campaign)
            .values_list("organisation_id", "weak_questions")
        ):
            for code in codes:
                by_code.setdefault(code, []).append(organisation)
        return by_code

    return per_submission("weak", campaign, compute, durable=True, keep=keep)


def participants(campaign) -> QuerySet[Office]:
    """The offices with a submitted diagnostic of the campaign, those weak_organisations
    may name: chosen by the database, not by an IN list of a thousand ids, which Django
    took longer to prepare than the database to run."""
    return Office.objects.filter(
        pk__in=latest_submitted().filter(campaign=campaign).values("organisation")
    )


def weak_answers(
    questionnaire: Questionnaire, campaign_id: int, codes, *fields: str, **filters
) -> tuple[dict[int, str], QuerySet]:
    """The answers of the campaign's latest submitted diagnostics that are weak on these
    questions, as `values_list("choice", *fields)`; with the choice → question code map.
    For what needs the choice itself (how many points it misses); who answered weakly is
    stored per diagnostic (`weak_organisations`)."""
    choices = weak_choices(questionnaire, set(codes))
    rows = Answer.objects.filter(
        diagnostic__in=latest_submitted().filter(campaign=campaign_id, **filters),
        choice__in=choices,
    ).values_list("choice", *fields)
    return choices, rows


def training_needs(
    campaign, region: str = "", network: list[NetworkDepartment] | None = None
) -> tuple[list[NetworkDepartment], list[TrainingNeed]]:
    """For the network staff: per training for office teams, how many offices (each office's
    latest submitted diagnostic of the campaign) answered weakly a question it addresses,
    by department; only the departments of `region` (code) if given. The departments
    concerned (with their region), and the needs, most needed first. The counts come from
    `training_need_counts`; the trainings and their upcoming sessions are read live.
    `network`: the network's departments (network_department_list), if the caller has them."""
    trainings = list(Training.objects.filter(audience=Audience.OFFICES))
    for training in trainings:
        training.upcoming = []
    found = {training.pk: training for training in trainings}
    for session in upcoming_sessions().filter(training__audience=Audience.OFFICES):
        found[session.training_id].upcoming.append(session)
    counts = training_need_counts(campaign)
    needs = [TrainingNeed(t, dict(counts.get(t.pk, {}))) for t in trainings]
    concerned = {d for n in needs for d in n.by_department}
    departments = departments_named(concerned, network)
    if region:
        departments = [d for d in departments if d.region.code == region]
        kept = {d.code for d in departments}
        for need in needs:
            need.by_department = {d: n for d, n in need.by_department.items() if d in kept}
    needs.sort(key=lambda n: (-n.total, n.training.title))
    return departments, needs


def training_need_counts(campaign) -> dict[int, dict[str, int]]:
    """Training for office teams (id) → department code → how many offices answered weakly
    a question it addresses: the same for every reader, so kept in the shared cache until
    a table it is drawn from is written (page_memo.kept: the trainings' questions, the
    offices' departments, a submission), not by a draft's autosave. No query when kept;
    otherwise `stored_need_counts`."""
    return page_memo.kept(
        f"training-needs:{campaign.pk}", lambda: stored_need_counts(campaign), drafts=False
    )


# Changed with how the counts are drawn from what their key names: a row kept in the
# database by an earlier version is then never read back.
NEED_COUNTS_VERSION = 1


def stored_need_counts(campaign, *, keep=False) -> dict[int, dict[str, int]]:
    """The counts drawn from the campaign's weak answers (`weak_organisations`), the
    participants' departments and the trainings' questions, both read live (two queries):
    once per submission and per those two (per_submission, their digest in its key), in
    the database too once a submission's task kept them (`keep`), so that emptying the
    shared cache does not make the next page draw them again while they still hold."""

    def inputs():
        department_of = sorted(participants(campaign).order_by().values_list("pk", "department"))
        codes: dict[int, list[str]] = {}
        for training_id, code in (
            Training.questions.through.objects.filter(training__audience=Audience.OFFICES)
            .order_by("training_id", "question__code")
            .values_list("training_id", "question__code")
        ):
            codes.setdefault(training_id, []).append(code)
        return department_of, sorted(codes.items())

    def compute(read) -> dict[int, dict[str, int]]:
        department_of, codes = dict(read[0]), read[1]
        weak = weak_organisations(campaign)
        counts = {}
        for training_id, questions in codes:
            offices = set().union(*(weak.get(code, ()) for code in questions))
            by_department = Counter(map(department_of.get, offices))
            by_department.pop(None, None)  # an office no longer a participant
            counts[training_id] = dict(by_department)
        return counts

    return per_submission(
        f"training-needs-v{NEED_COUNTS_VERSION}",
        campaign,
        compute,
        durable=True,
        keep=keep,
        inputs=inputs,
        share_row=False,  # training_need_counts keeps it in the shared cache (page_memo.kept)
    )


def training_needs_columns(
    departments: list[NetworkDepartment],
) -> list[tuple[object, list[str]]]:
    """The needs page's columns: one per department within a region, one per region when
    the departments span several (a national network: 18 columns, not 101). Each column
    is its department or region and the department codes it adds up."""
    regions: dict[str, tuple[object, list[str]]] = {}
    for department in departments:
        regions.setdefault(department.region.code, (department.region, []))[1].append(
            department.code
        )
    if len(regions) > 1:
        return sorted(regions.values(), key=lambda column: column[0].name)
    return [(d, [d.code]) for d in departments]
