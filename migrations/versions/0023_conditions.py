"""conditions as expressions: each question's single condition becomes an expression tree

Revision ID: 0023
Revises: 0022

No column changes: `question.condition` (JSON) holds a tree from now on
(surveys/conditions.py). A stored {"question": q} becomes {"op": "answered", ...} and
{"question": q, "equals": v} becomes "=" (or "selected" on a multiple choice or a
ranking), the value read as the answers are: "yes" -> true, "4" -> 4 on a scale.
Going down, the trees that have an old form take it again; the others are dropped
(the question is then always shown), which the old code could not express anyway.
The conversion is written out here, not imported, so that it never changes with the app.
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

QUESTIONS = sa.text('SELECT id, version_id, code, type, condition FROM question').columns(condition=sa.JSON)
SET = sa.text('UPDATE question SET condition = :condition WHERE id = :id').bindparams(
    sa.bindparam('condition', type_=sa.JSON))
CLEAR = sa.text('UPDATE question SET condition = NULL WHERE id = :id')


def _rows():
    rows = op.get_bind().execute(QUESTIONS).all()
    types = {(row.version_id, row.code): str(row.type) for row in rows}
    for row in rows:
        condition = row.condition
        if isinstance(condition, dict) and condition:
            yield row, condition, types


def _store(row_id, condition):
    if condition is None:  # SQL NULL, as the model stores "no condition" (not JSON null)
        op.get_bind().execute(CLEAR, {'id': row_id})
    else:
        op.get_bind().execute(SET, {'id': row_id, 'condition': condition})


def _level(value):
    try:
        return int(str(value).strip())
    except ValueError:
        return str(value)


def to_tree(condition, source_type):
    if 'op' in condition:
        return condition
    if 'equals' not in condition:
        return {'op': 'answered', 'question': condition['question']}
    value = condition['equals']
    if source_type in ('multiple_choice', 'ranking'):
        return {'op': 'selected', 'question': condition['question'], 'value': value}
    if source_type == 'yes_no':
        value = str(value).lower() in ('yes', 'true', '1')
    elif source_type in ('agreement', 'smiley'):
        value = _level(value)
    return {'op': '=', 'question': condition['question'], 'value': value}


def to_legacy(tree):
    if tree.get('op') == 'answered':
        return {'question': tree['question']}
    if tree.get('op') in ('=', 'selected'):
        value = tree['value']
        value = {True: 'yes', False: 'no'}.get(value, value) if isinstance(value, bool) else str(value)
        return {'question': tree['question'], 'equals': value}
    return None


def upgrade():
    for row, condition, types in _rows():
        if 'op' not in condition:
            _store(row.id, to_tree(condition, types.get((row.version_id, condition.get('question')))))


def downgrade():
    for row, condition, _types in _rows():
        if 'op' in condition:
            _store(row.id, to_legacy(condition))
