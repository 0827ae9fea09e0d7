"""The names of an answer's fields in the filling pages' forms, one rule shared by the form,
the view that reads a confirmation and the template filter that names the checkbox."""


def choice_field_name(question) -> str:
    return f"q-{question.pk}"


def comment_field_name(question) -> str:
    return f"c-{question.pk}"


def confirm_field_name(question) -> str:
    return f"confirm-{question.pk}"
