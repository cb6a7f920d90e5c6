"""User-written text is shown in its own direction, isolated from the page's.

An Arabic idea title on a French page, or a French comment on the Arabic interface, must
not reorder the punctuation and numbers around it; and what a resident wrote never
spills its direction into the page. Every text node that shows resident or institution
text must sit in a `<bdi>` or in an element with `dir="auto"`, nearer than any other
`dir`.
"""
import uuid
from html.parser import HTMLParser


from deliberation import operations as ops
from deliberation.models import AnswerStatus, Committee, Origin, Statement
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

MARK = "ZQX"  # in every text a resident or an institution wrote here
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Isolation(HTMLParser):
    """Collects the text nodes holding MARK that are not isolated."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.leaks, self.seen = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        isolated = tag == "bdi" or attrs.get("dir") == "auto"
        # The nearest element that sets a direction wins; bdi always isolates.
        decided = tag == "bdi" or "dir" in attrs
        self.stack.append((tag, isolated, decided))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if MARK not in data:
            return
        self.seen += 1
        if self.stack and self.stack[-1][0] in ("script", "style", "title", "textarea", "option"):
            return
        for _tag, isolated, decided in reversed(self.stack):
            if decided:
                if isolated:
                    return
                break
        self.leaks.append(f"{'>'.join(t for t, _i, _d in self.stack[-4:])}: {data.strip()[:60]!r}")


def leaks(html: str) -> tuple[int, list[str]]:
    parser = _Isolation()
    parser.feed(html)
    return parser.seen, parser.leaks


def test_the_checker_sees_a_leak_and_accepts_isolation():
    assert leaks(f'<html dir="rtl"><p>{MARK}</p></html>')[1]
    assert not leaks(f'<html dir="rtl"><p dir="auto">{MARK}</p><p><bdi>{MARK}</bdi></p></html>')[1]
    assert leaks(f'<div dir="auto"><p dir="ltr">{MARK}</p></div>')[1]


def test_resident_and_institution_text_is_isolated_on_every_page(client, auth, make_user, territories):
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    carrier = ops.new_participant(c, Origin.personal)
    idea = ops.propose_idea(c, carrier, title=f"بنوك {MARK} titre", body=f"Corps {MARK} du texte", theme=f"thème {MARK}")
    ops.propose_idea(c, carrier, title=f"Autre {MARK}", body=f"Second {MARK}")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    committee = Committee(consultation_id=c.id, name="Comité")
    db.session.add_all([mairie, committee, Statement(consultation_id=c.id, text=f"Affirmation {MARK}")])
    db.session.commit()
    comment, _ = ops.add_comment(idea, carrier, f"Avis {MARK} ici", ops.Position.neutral, uuid=str(uuid.uuid4()))
    question, _ = ops.ask_question(c, carrier, mairie.id, f"Question {MARK} ?", uuid=str(uuid.uuid4()))
    speaker = make_user("institution", (), email="mairie@example.org")
    speaker.institution = mairie
    ops.answer_question(question, speaker, f"Réponse {MARK}", uuid=str(uuid.uuid4()))
    ops.answer_idea(idea, mairie, speaker, AnswerStatus.accepted, f"Réponse officielle {MARK}")
    ops.volunteer(committee, carrier, f"Amina {MARK}")
    ops.report_comment(comment, carrier, f"raison {MARK}")
    db.session.commit()

    pages = {}
    for lang in ("fr", "ar"):
        pages[f"consultation {lang}"] = client.get(f"/consultations/{c.id}?lang={lang}").text
        pages[f"idea {lang}"] = client.get(f"/consultations/idees/{idea.id}?lang={lang}").text
        pages[f"questions {lang}"] = client.get(f"/consultations/{c.id}/questions?lang={lang}").text
    ops.advance_phase(c)
    db.session.commit()
    pages["consultation voting"] = client.get(f"/consultations/{c.id}").text  # the support buttons
    pages["idea voting"] = client.get(f"/consultations/idees/{idea.id}").text
    pages["statements"] = client.get(f"/consultations/{c.id}/affirmations").text
    pages["duel"] = client.get(f"/consultations/{c.id}/duel").text
    auth.login(make_user("facilitator", ("sanitas",)))
    pages["staff detail"] = client.get(f"/animation/consultations/{c.id}").text
    pages["paper ballot"] = client.get(f"/animation/consultations/{c.id}/bulletins-papier").text

    report, total_seen = [], 0
    for name, html in pages.items():
        seen, found = leaks(html)
        total_seen += seen
        report += [f"{name}: {leak}" for leak in found]
    assert total_seen > 30  # the pages did show the texts
    assert not report, "\n".join(report)
