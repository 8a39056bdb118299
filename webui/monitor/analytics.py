"""Analytics of one process: throughput per week, cycle time, SLA breaches, waiting per activity."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from engine.bpmn.diagram import ensure_layout
from webui.monitor.blueprint import bp
from webui.monitor.charts import horizontal_bars, weekly_bars
from webui.monitor.common import duration_text, int_arg, supervisor_only, title_of
from webui.monitor.diagram import heat_colour
from webui.security import engine, reading

DEFAULT_WEEKS = 12


def _weeks(now: datetime, tz: ZoneInfo, weeks: int) -> tuple[list[date], datetime, int]:
    """The Mondays (office dates) of the last ``weeks`` weeks and the UTC moment the first starts."""
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    mondays = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    since = datetime.combine(mondays[0], time(0), tzinfo=tz).astimezone(UTC)
    offset = local.utcoffset()
    assert offset is not None  # an aware datetime in a ZoneInfo zone
    return mondays, since, int(offset.total_seconds())


@bp.get("/processes/<key>")
@supervisor_only
def process_page(key: str) -> ResponseReturnValue:
    """Cases started and finished per week, cycle time median and p90, SLA breach rate, and the mean
    wait per activity as a table, a bar chart and a heat overlay on the diagram (green to red)."""
    weeks = int_arg("weeks", DEFAULT_WEEKS, 1, 104)
    eng = engine()
    tz_name = current_app.config.get("FAO_TIMEZONE") or "Asia/Shanghai"
    mondays, since, offset_s = _weeks(eng.clock.now(), ZoneInfo(tz_name), weeks)
    with reading() as uow:
        latest = uow.reads.processes.source(key)
        if latest is None:
            abort(404)
        weekly = uow.reads.analytics.weekly_counts(key, since, tz_name, offset_s)
        finished_n, quantiles = uow.reads.analytics.cycle_time_percentiles(key, since)
        late, with_due = uow.reads.analytics.sla_breaches(key, since)
        waits = uow.reads.analytics.waiting_by_activity(key, since)
    week_rows = [(d.strftime("%m-%d"), *weekly.get(d, (0, 0))) for d in mondays]
    chart = weekly_bars(week_rows, (_("Started"), _("Finished")),
                        _("Cases started and finished per week"))
    top = max([w[3] for w in waits] or [0])
    heat = {bpmn_id: {"colour": heat_colour(mean, top), "label": duration_text(mean),
                      "title": _("%(name)s: mean wait %(wait)s (%(n)s tasks)",
                                 name=name, wait=duration_text(mean), n=n)}
            for bpmn_id, name, n, mean in waits}
    wait_chart = horizontal_bars([(name, mean, heat[b]["colour"], duration_text(mean)) for b, name, _, mean in waits],
                                 _("Mean wait per activity"))
    return render_template(
        "monitor/process.html", key=key, title=title_of(key), version=latest[0], weeks=weeks,
        chart=chart, wait_chart=wait_chart, week_rows=week_rows, finished_n=finished_n,
        median=duration_text(quantiles.get(0.5)), p90=duration_text(quantiles.get(0.9)),
        late=late, with_due=with_due, breach_rate=(late / with_due if with_due else None), waits=waits,
        duration_text=duration_text, diagram={"xml": ensure_layout(latest[2]), "heat": heat}, since=since)
