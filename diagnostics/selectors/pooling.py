"""Pooling: leads for one office, groups and clusters of offices sharing a weakness."""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q

from diagnostics.collation import french_key
from diagnostics.models import Department, Diagnostic, Organisation, Question, Questionnaire
from diagnostics.network import NetworkDepartment, departments_named
from diagnostics.selectors.statistics import per_submission
from diagnostics.selectors.structure import questionnaire_axes
from diagnostics.selectors.trainings import participants, weak_organisations
from snut import page_memo

# --- pooling ---------------------------------------------------------------------


@dataclass
class PoolingLead:
    """A recommendation beyond the office alone, and the neighbours that share the need."""

    item: object  # a results PlanItem
    named: list[str]  # offices that agreed to be named (a neighbouring department's in brackets)
    others: int  # offices that share it without having agreed: only counted


def pooling_leads(diagnostic: Diagnostic, items: list) -> list[PoolingLead]:
    """For the plan's items whose scale is beyond the office alone: the other offices of
    its department or of a neighbouring one whose latest submitted diagnostic of the
    campaign answered the same question weakly. An office is named only if it opted in.
    One query when the area's offices are kept and the campaign's weak answers cached,
    four at most."""
    items = [i for i in items if not i.alone]
    if not items:
        return []
    own = diagnostic.organisation.department_id
    # Who answered weakly comes from the campaign's cached weak answers (offices with a
    # diagnostic submitted in it, per submission); who is in the area, their names and
    # their consent, from the offices of the area, kept until an office or a department
    # is written (page_memo.kept).
    neighbours = {
        pk: office
        for pk, office in page_memo.kept(f"pooling-area:{own}", lambda: area_offices(own)).items()
        if pk != diagnostic.organisation_id
    }
    weak = weak_organisations(diagnostic.campaign)
    sharing = {
        item.question.code: {o for o in weak.get(item.question.code, ()) if o in neighbours}
        for item in items
    }
    # The named offices of every lead in French order, sorted once: each lead keeps its own.
    named_in_order = sorted(
        {pk for offices in sharing.values() for pk in offices if neighbours[pk][1]},
        key=lambda pk: french_key(neighbours[pk][0]),
    )
    leads = []
    for item in items:
        offices = sharing[item.question.code]
        if offices:
            named = [neighbours[pk][0] for pk in named_in_order if pk in offices]
            leads.append(PoolingLead(item, named, len(offices) - len(named)))
    return leads


def area_offices(department: str) -> dict[int, tuple[str, bool]]:
    """The offices of a department and of its neighbours: id → (name as a neighbour
    reads it, the department's name in brackets if another; whether it may be named)."""
    area = Department.objects.filter(Q(code=department) | Q(neighbours__code=department))
    return {
        pk: (name if code == department else f"{name} ({department_name})", opt_in)
        for pk, name, opt_in, code, department_name in Organisation.objects.filter(
            kind=Organisation.Kind.OFFICE, department__in=area.values("code")
        ).values_list("pk", "name", "pooling_opt_in", "department", "department__name")
    }


@dataclass
class PoolingCluster:
    question: Question
    department: NetworkDepartment
    offices: list[str]
    # Offices of the neighbouring departments with the same weak answer, by department.
    neighbours: list[tuple[NetworkDepartment, int]]

    @property
    def names(self) -> str:
        """The offices in one string: a page escapes it once, not name by name."""
        return ", ".join(self.offices)


def pooling_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions whose recommendations go beyond the office alone, in the
    questionnaire's order: the ones pooling looks at. From the structure in memory."""
    return [
        q
        for axis in questionnaire_axes(questionnaire)
        for q in axis.questions.all()
        if any(c.scale not in ("", "office") for c in q.choices.all())
    ]


@dataclass
class PoolingGroup:
    """The offices of one department that answered one question weakly: two or more."""

    question: Question
    department: str  # its code
    offices: list[str]  # in French order


def pooling_groups(
    campaign,
    departments: Collection[str] | None = None,
    questions: list[Question] | None = None,
) -> tuple[list[PoolingGroup], dict[tuple[str, str], int]]:
    """For the network staff: per question whose recommendations go beyond the office
    alone, the offices of each department (latest submitted diagnostic of the campaign)
    that answered it weakly, in French order, where a pooled tool or a shared training
    would serve; only the departments given (codes), if any; largest first. With, for
    every question and department, how many offices answered it weakly (what
    pooling_clusters counts across the borders). Drawn from `shared_needs`; plain data,
    so that a national network's 1,700 groups cost little until shown. `questions`: the
    campaign's pooling_questions, if the caller has them."""
    if questions is None:
        questions = pooling_questions(campaign.questionnaire)
    by_code = {q.code: q for q in questions}
    rows, counts = shared_needs(campaign, by_code)
    groups = [
        PoolingGroup(by_code[code], department, names)
        for code, department, names in rows
        if departments is None or department in departments
    ]
    return groups, counts


def shared_needs(
    campaign, codes: Collection[str]
) -> tuple[list[tuple[str, str, list[str]]], dict[tuple[str, str], int]]:
    """The (question code, department, office names in French order) of every two offices
    or more of a department that answered one of these questions weakly, largest first,
    and every (question code, department)'s count of such offices. The same for every
    reader: kept in the shared cache until a table it is drawn from is written
    (page_memo.kept: the offices' names and departments, a submission), not by a draft's
    autosave; the questions are in the key. Drawn from weak_organisations and the
    participants' names and departments, read live: no query when kept, two when the
    weak answers are cached, three otherwise."""
    codes = sorted(codes)
    return page_memo.kept(
        f"pooling-groups:{campaign.pk}:{_questions_key(codes)}",
        lambda: stored_shared_needs(campaign, codes),
        drafts=False,
    )


# Changed with how the groups are drawn (_grouped, french_key) from what their key names:
# a row kept in the database by an earlier version is then never read back.
GROUPS_VERSION = 1


def stored_shared_needs(campaign, codes: list[str], *, keep=False):
    """shared_needs drawn from weak_organisations and the participants' names and
    departments, read live (one query): once per submission and per those names and
    departments (per_submission, their digest in its key), in the database too once a
    submission's task kept them (`keep`: keep_pooling_groups), so that emptying the
    shared cache does not make the next page group a thousand offices again while they
    still hold. `codes`: sorted."""
    return per_submission(
        f"pooling-groups-v{GROUPS_VERSION}-{_questions_key(codes)}",
        campaign,
        lambda offices: _grouped(weak_organisations(campaign), offices, codes),
        durable=True,
        keep=keep,
        # Sorted here, not by the database in the offices' default order (their names).
        inputs=lambda: sorted(
            participants(campaign).order_by().values_list("pk", "department", "name")
        ),
        share_row=False,  # shared_needs keeps it in the shared cache (page_memo.kept)
    )


def _questions_key(codes: list[str]) -> str:
    return hashlib.sha256(",".join(codes).encode()).hexdigest()[:16]


def keep_pooling_groups(campaign) -> None:
    """The task's: the campaign's pooling groups (for every pooling question, as
    pooling_groups draws them) kept in the database (stored_shared_needs)."""
    codes = sorted(q.code for q in pooling_questions(campaign.questionnaire))
    stored_shared_needs(campaign, codes, keep=True)


def _grouped(weak: dict[str, list[int]], offices: list[tuple[int, str, str]], codes: list[str]):
    """shared_needs drawn: the offices (id, department, name) put in French order of their
    names once, then each question's weak offices in that order, grouped by department
    (rather than each of 1,800 groups sorted: 5.7 → 3.5 ms for 1,000 offices)."""
    ranked = sorted(offices, key=lambda office: french_key(office[2]))
    place = {office[0]: i for i, office in enumerate(ranked)}
    everywhere: dict[tuple[str, str], list[str]] = {}
    for code in codes:
        found = [place[pk] for pk in weak.get(code, ()) if pk in place]
        for i in sorted(found):
            _pk, department, name = ranked[i]
            everywhere.setdefault((code, department), []).append(name)
    rows = [
        (code, department, names)
        for (code, department), names in everywhere.items()
        if len(names) >= 2
    ]
    rows.sort(key=lambda row: (-len(row[2]), row[0], row[1]))
    return rows, {key: len(names) for key, names in everywhere.items()}


def pooling_clusters(
    groups: list[PoolingGroup], counts: dict[tuple[str, str], int], network=None
) -> list[PoolingCluster]:
    """The groups shown (a page of them, or an export's) with their department, their
    offices' names in order, and how many offices share the need in each neighbouring
    department. No query when the borders and the network's departments are kept (one
    more for a department outside the network); none if there is no group. `network`: the
    network's departments (network_department_list), if the caller has them."""
    if not groups:
        return []
    borders = page_memo.kept("department-borders", department_borders)
    shown = {g.department for g in groups}
    shown |= {other for code in shown for other in borders.get(code, ())}
    departments = {d.code: d for d in departments_named(shown, network)}
    return [
        PoolingCluster(
            group.question,
            departments[group.department],
            group.offices,  # in French order (shared_needs)
            [
                (departments[other], counts[group.question.code, other])
                for other in sorted(borders.get(group.department, []))
                if (group.question.code, other) in counts
            ],
        )
        for group in groups
    ]


def department_borders() -> dict[str, list[str]]:
    """Department code → the codes of its neighbours: one query."""
    borders: dict[str, list[str]] = {}
    for code, other in Department.neighbours.through.objects.values_list(
        "from_department__code", "to_department__code"
    ):
        borders.setdefault(code, []).append(other)
    return borders


@dataclass
class PoolingSummary:
    """One question's groups, counted: what a national network reads before the names."""

    question: Question
    clusters: int = 0
    offices: int = 0
    largest: int = 0


def pooling_summary(groups: list[PoolingGroup]) -> list[PoolingSummary]:
    """Per question, its groups and their offices; the most shared need first."""
    by_question: dict[str, PoolingSummary] = {}
    for group in groups:
        row = by_question.get(group.question.code)
        if row is None:
            row = by_question[group.question.code] = PoolingSummary(group.question)
        row.clusters += 1
        row.offices += len(group.offices)
        row.largest = max(row.largest, len(group.offices))
    return sorted(by_question.values(), key=lambda r: (-r.offices, r.question.code))
