"""Writes the express questionnaire's fixture from the full one's: the questions that best
predict their axis on a simulated population (diagnostics/express.py), with the margins of
each axis; the same codes, texts and choices as the full questionnaire."""

import json

from django.core.management.base import BaseCommand, CommandError

from diagnostics import express
from diagnostics.scoring import AxisSpec, ChoiceSpec, QuestionSpec
from diagnostics.services.setup import FIXTURES, SetupError, fixture_records

SOURCE = "questionnaire_snut_v3"
TARGET = "questionnaire_snut_express"
EXPRESS_NAME = "SNUT — Diagnostic express"
EXPRESS_DESCRIPTION = (
    "Le diagnostic express pose {count} des questions du diagnostic complet, environ trois "
    "par axe, choisies parce qu’elles annoncent le mieux le score de leur axe. Comptez un "
    "quart d’heure. Il donne un niveau indicatif par axe, avec sa marge («\u00a0entre 35 "
    "et 50\u00a0»)\u202f; vos réponses sont reprises si vous continuez avec le diagnostic "
    "complet."
)


def specs(records: list[dict]) -> tuple[list[AxisSpec], frozenset[int], dict[str, float]]:
    """The full questionnaire as the fit reads it: its axes in order, the ids of the questions
    that allow « non concerné », and each question's reading time in seconds."""
    fields = [(r["model"], r["fields"]) for r in records]
    axes = sorted((f for m, f in fields if m == "diagnostics.axis"), key=lambda f: f["order"])
    questions = [f for m, f in fields if m == "diagnostics.question"]
    choices = [f for m, f in fields if m == "diagnostics.choice"]
    allows_na, seconds, out = set(), {}, []
    for axis in axes:
        own = sorted(
            (q for q in questions if q["axis"][-1] == axis["code"]), key=lambda q: q["order"]
        )
        specs_of_axis = []
        for question in own:
            ladder = sorted(
                (c for c in choices if c["question"][-1] == question["code"]),
                key=lambda c: c["order"],
            )
            pk = len(seconds) + 1
            seconds[question["code"]] = express.question_seconds(
                question["text"], question.get("help_text", ""), [c["label"] for c in ladder]
            )
            if question.get("allow_not_applicable"):
                allows_na.add(pk)
            specs_of_axis.append(
                QuestionSpec(
                    id=pk,
                    code=question["code"],
                    weight=question.get("weight", 1),
                    choices=tuple(
                        ChoiceSpec(id=pk * 100 + c["order"], points=c["points"]) for c in ladder
                    ),
                )
            )
        out.append(
            AxisSpec(
                id=len(out) + 1,
                code=axis["code"],
                weight=axis.get("weight", 1),
                questions=tuple(specs_of_axis),
            )
        )
    return out, frozenset(allows_na), seconds


def express_records(records: list[dict], fits: list[express.AxisFit]) -> list[dict]:
    """The express fixture: the full questionnaire's levels and axes (with their margins), the
    chosen questions and their choices, under a questionnaire of its own that abbreviates it."""
    header = next(r["fields"] for r in records if r["model"] == "diagnostics.questionnaire")
    full_key = [header["code"], header["version"]]
    key = [f"{header['code']}-express", header["version"]]
    chosen = {code for fit in fits for code in fit.questions}
    margins = {fit.code: fit for fit in fits}

    def rekeyed(value):
        return [*key, *value[2:]] if isinstance(value, list) and value[:2] == full_key else value

    out = [
        {
            "model": "diagnostics.questionnaire",
            "fields": {
                "code": key[0],
                "version": key[1],
                "name": EXPRESS_NAME,
                "description": EXPRESS_DESCRIPTION.format(count=len(chosen)),
                "audience": header.get("audience", "offices"),
                "status": "published",
                "abbreviates": full_key,
            },
        }
    ]
    for record in records:
        model, fields = record["model"], record["fields"]
        if model == "diagnostics.maturitylevel":
            out.append({"model": model, "fields": {**fields, "questionnaire": key}})
        elif model == "diagnostics.axis":
            fit = margins[fields["code"]]
            out.append(
                {
                    "model": model,
                    "fields": {
                        **fields,
                        "questionnaire": key,
                        "margin_below": fit.below,
                        "margin_above": fit.above,
                        "shrinkage": fit.shrinkage,
                    },
                }
            )
        elif model == "diagnostics.question" and fields["code"] in chosen:
            out.append(
                {
                    "model": model,
                    "fields": {
                        **fields,
                        "questionnaire": key,
                        "axis": rekeyed(fields["axis"]),
                    },
                }
            )
        elif model == "diagnostics.choice" and fields["question"][-1] in chosen:
            out.append(
                {"model": model, "fields": {**fields, "question": rekeyed(fields["question"])}}
            )
    return out


class Command(BaseCommand):
    help = (
        "Écrit le questionnaire du diagnostic express (fixtures/questionnaire_snut_express.json) "
        "à partir du questionnaire complet : les questions qui annoncent le mieux leur axe sur "
        "une population simulée (graine fixe), et la marge de chaque axe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=SOURCE, help="fixture du questionnaire complet")
        parser.add_argument("--target", default=TARGET, help="fixture à écrire")
        parser.add_argument("--size", type=int, default=express.POPULATION)
        parser.add_argument("--seed", type=int, default=express.SEED)

    def handle(self, *args, source, target, size, seed, **options):
        try:
            records = fixture_records(source)
        except SetupError as error:
            raise CommandError(str(error)) from error
        axes, allows_na, seconds = specs(records)
        fits = express.fit(axes, allows_na=allows_na, seconds=seconds, size=size, seed=seed)
        minutes = sum(seconds[code] for fit in fits for code in fit.questions) / 60
        if minutes > express.MAX_MINUTES:
            raise CommandError(
                f"Le diagnostic express demanderait {minutes:.0f} minutes, plus de "
                f"{express.MAX_MINUTES}\u00a0: rien n’est écrit."
            )
        text = json.dumps(express_records(records, fits), ensure_ascii=False, indent=2)
        (FIXTURES / f"{target}.json").write_text(text + "\n", encoding="utf-8")
        for fit in fits:
            self.stdout.write(
                f"{fit.code}\u00a0: {', '.join(fit.questions)} — erreur moyenne "
                f"{fit.mean_absolute_error:.1f} points, marge −{fit.below} / +{fit.above}, "
                f"part prise aux autres axes {fit.shrinkage}\u00a0%"
            )
        count = sum(len(fit.questions) for fit in fits)
        self.stdout.write(
            self.style.SUCCESS(
                f"fixtures/{target}.json écrit\u00a0: {count} questions, environ "
                f"{minutes:.0f} minutes (population simulée de {size}, graine {seed})."
            )
        )
