"""The example alert rules are valid Prometheus rules and name only metrics /metrics exposes."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "egov-alerts.yml"


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus) not installed")
def test_promtool_accepts_the_alert_rules():
    result = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, text=True)  # noqa: S603, S607
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_metric_the_rules_name_is_one_egov_exposes():
    from egov.core import metrics as request_metrics
    from egov.ops import metrics

    named = set(re.findall(r"\b(egov_[a-z_]+)", RULES.read_text()))
    source = Path(metrics.__file__).read_text() + Path(request_metrics.__file__).read_text()
    exposed = set(re.findall(r'"(egov_[a-z_]+)"', source))
    suffixes = ("_total", "_bucket", "_sum", "_count")
    unknown = {
        name
        for name in named
        if name not in exposed and not any(name.endswith(s) and name[: -len(s)] in exposed for s in suffixes)
    }
    assert unknown == set()
