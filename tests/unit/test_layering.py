"""The rules of the exchange and the screening stand alone: no web framework, no ORM."""

import subprocess
import sys

from portal.config import PROJECT_ROOT


def test_domain_and_screening_import_neither_flask_nor_sqlalchemy():
    probe = (
        "import sys, portal.domain.items, portal.domain.withdrawal, portal.domain.agreement, portal.domain.media,"
        " portal.screening, portal.media.av, portal.media.images, portal.media.documents, portal.media.codes;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
