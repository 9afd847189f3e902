"""Loss warnings: tiles, then a tab each for the action list and its follow-ups, the list's and the
risk ranking's backtests, the follow-ups' effect, and the counts per manager and team (only the
open tab is drawn)."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics import audit, config, risk, warnings
from analytics.domain import FOLLOWUP_STATUSES, RULES
from analytics.filters import Filters
from analytics.warnings.reasons import FACT_COLUMNS
from analytics.warnings.schema import STORE_VERSION
from ui import charts, drill, followups, format
from ui.common import (
    cached,
    cached_on_store,
    connection,
    current_account,
    current_filters,
    empty_state,
    lang,
    lazy_tabs,
    page_header,
    record,
    settings,
    show_table,
    tr,
)
from ui.followups import status_label, status_labels
from ui.tables import MAX_ROWS, common_columns, matching_rows, show_frame

KEY = "warnings"


def load_ranking(as_of: date) -> risk.RiskRanking:
    """The stored ranking (read once per data version and training), trained here with a progress
    bar on first need."""
    found = cached_on_store(STORE_VERSION, risk.find_stored, as_of)
    if found is not None:
        return found
    with st.status(tr("warnings.training"), expanded=True) as status:
        bar = st.progress(0.0)

        def progress(share: float, step: str) -> None:
            bar.progress(min(max(share, 0.0), 1.0), text=tr("warnings.risk_training_step", step=step))

        ranking = risk.stored_ranking(connection(), as_of, settings(), progress=progress)
        status.update(state="complete", expanded=False)
    return ranking


def pick_options() -> tuple[list[str], bool, bool]:
    left, middle, right = st.columns([3, 1, 1])
    rules = left.multiselect(
        tr("warnings.rule_filter"),
        list(RULES),
        key=f"{KEY}-rules",
        format_func=lambda r: tr(f"warnings.rule_{r}"),
        placeholder=tr("common.all"),
    )
    middle.write("")
    show_all = middle.toggle(tr("warnings.show_all"), key=f"{KEY}-show-all")
    right.write("")
    include_closed = right.checkbox(tr("warnings.show_closed"), key=f"{KEY}-closed", disabled=not show_all)
    return rules, show_all, include_closed and show_all


def draw_tiles(view: warnings.WarningView) -> None:
    cells = st.columns(4)
    cells[0].metric(tr("warnings.tiles_open"), format.number(view.open), border=True)
    cells[1].metric(tr("warnings.tiles_listed"), format.number(view.listed), border=True)
    cells[2].metric(
        tr("warnings.tiles_expected_loss"),
        format.money(view.expected_loss),
        help=tr("warnings.tiles_help_expected_loss"),
        border=True,
    )
    cells[3].metric(
        tr("warnings.tiles_revenue"),
        format.money(view.revenue_at_risk),
        help=tr("warnings.tiles_help_revenue"),
        border=True,
    )


@st.cache_data(show_spinner=False, max_entries=8)
def reasons(facts: pd.DataFrame, language: str, settings_key: str) -> pd.Series:
    """warnings.explain of the list's rule facts, kept per list, language and settings: a rerun of
    the page (a row selected, a note typed) does not write a province's thousands of reasons again."""
    return warnings.explain(facts, language)


def warning_table(listed: pd.DataFrame) -> pd.DataFrame:
    """The list as shown and exported, key columns first, labels in the current language."""
    return pd.DataFrame(
        {
            **common_columns(listed, "customer_id", "customer_name", "manager"),
            tr("warnings.col_expected_loss"): listed["expected_loss"].round(0),
            tr("warnings.col_reasons"): reasons(
                listed[[c for c in (*RULES, *FACT_COLUMNS) if c in listed.columns]],
                lang(),
                config.settings_key(settings()),
            ),
            tr("warnings.col_status"): status_labels(listed["followup_status"]),
            tr("warnings.col_risk"): listed["risk_score"],
            tr("warnings.col_revenue_at_risk"): listed["revenue_at_risk"].round(0),
            tr("warnings.col_last_order"): pd.to_datetime(listed["last_order_date"]).dt.date,
            tr("warnings.col_last_visit"): pd.to_datetime(listed["last_visit_date"]).dt.date,
            tr("warnings.col_days_since_order"): listed["days_since_last_order"],
            tr("common.customer_class"): format.labels(listed["customer_class"], "class"),
            tr("warnings.col_rules"): format.code_lists(listed["rules"], "warnings.rule_"),
        }
    )


def draw_list(listed: pd.DataFrame, filters: Filters, show_all: bool) -> tuple[str | None, list[str]]:
    """The list (its first rows shown, every row in the export); the customer selected in it and
    the customers it shows (after its search), whom the follow-up picker offers."""
    st.subheader(tr("warnings.list_header") if show_all else tr("warnings.action_header"))
    ws = settings().warnings
    st.caption(
        tr(
            "warnings.action_caption",
            n=ws.action_list_per_manager,
            floor=format.money(ws.action_list_min_loss),
        )
    )
    table = warning_table(listed)
    row = show_table(
        table,
        "loss-warnings",
        f"{KEY}-list",
        filters,
        selectable=True,
        column_config={
            tr("warnings.col_risk"): st.column_config.ProgressColumn(
                format="percent", min_value=0.0, max_value=1.0
            ),
            tr("warnings.col_expected_loss"): st.column_config.NumberColumn(format="%.0f"),
            tr("warnings.col_revenue_at_risk"): st.column_config.NumberColumn(format="%.0f"),
            tr("warnings.col_reasons"): st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(tr("drill.warnings_row_hint"))
    query = st.session_state.get(f"{KEY}-list-search") or ""
    matched = table[matching_rows(table, query)] if query.strip() else table
    offered = matched[tr("common.customer_id")].head(MAX_ROWS).tolist()
    return (None if row is None else row[tr("common.customer_id")]), offered


def draw_list_backtest(ranking: risk.RiskRanking) -> None:
    figures = ranking.list_figures()
    if figures.empty:
        return
    st.markdown(f"**{tr('warnings.list_backtest_header')}**")
    st.caption(tr("warnings.list_backtest_caption", days=ranking.horizon_days))
    shown = pd.DataFrame(
        {
            tr("warnings.col_test_date"): figures["test_date"],
            tr("warnings.col_listed"): figures["listed"],
            tr("warnings.col_precision"): figures["precision"].map(format.percent),
            tr("warnings.col_value_recall"): figures["value_recall"].map(format.percent),
        }
    )
    show_frame(shown, key=f"{KEY}-list-backtest")


def followup_by() -> str | None:
    """Who makes the follow-up: the signed-in account (shown, not typed: nobody writes another's
    name), or a free text field while the dashboard has no accounts."""
    account = current_account()
    if account is not None:
        st.caption(tr("warnings.followup_by_account", name=account.display_name))
        return account.display_name
    return st.text_input(tr("warnings.followup_by"), key=f"{KEY}-fu-by", max_chars=80)


def draw_followup(
    listed: pd.DataFrame, selected: str | None, as_of: date, filters: Filters, offered: list[str]
) -> None:
    """The follow-up of a customer picked among those the list shows (`offered`: its first rows
    after its search, not the thousands of a province's whole list), or selected in it."""
    names = dict(zip(listed["customer_id"], listed["customer_name"].fillna(""), strict=True))
    current = dict(zip(listed["customer_id"], listed["followup_status"], strict=True))
    picker = f"{KEY}-fu-customer"
    if selected is not None and selected != st.session_state.get(f"{KEY}-fu-last-selected"):
        st.session_state[f"{KEY}-fu-last-selected"] = selected
        st.session_state[picker] = selected
    chosen = st.session_state.get(picker)
    options = list(dict.fromkeys([*offered, *([chosen] if chosen in names else [])]))
    # Each label made once here, not by a call per option and run inside the select box.
    shown = {c: format.name_with_id(names[c], c) for c in options}
    if chosen not in options:
        st.session_state.pop(picker, None)
    default = {} if picker in st.session_state else {"index": None}
    customer = st.selectbox(
        tr("common.customer"),
        options,
        key=picker,
        **default,
        format_func=shown.__getitem__,
        placeholder=tr("warnings.followup_pick"),
    )
    if customer is None:
        st.caption(tr("warnings.followup_pick"))
        return
    label = shown[customer]
    st.subheader(tr("warnings.followup_header", customer=label))
    drill.customer_link(customer, tr("drill.open_customer", name=label))
    st.markdown(warnings.explain(listed[listed["customer_id"] == customer], lang()).iloc[0])
    status_now = current.get(customer)
    # The form opens on the warning's current status (a new warning: the first status).
    start = FOLLOWUP_STATUSES.index(status_now) if status_now in FOLLOWUP_STATUSES else 0
    with st.form(f"{KEY}-fu-form-{customer}", clear_on_submit=True):
        status = st.selectbox(
            tr("warnings.followup_status"),
            list(FOLLOWUP_STATUSES),
            index=start,
            key=f"{KEY}-fu-status",
            format_func=status_label,
        )
        by = followup_by()
        note = st.text_area(tr("warnings.followup_note"), key=f"{KEY}-fu-note", max_chars=500)
        if st.form_submit_button(tr("warnings.followup_save"), type="primary"):
            warnings.record_followup(connection(), customer, status, note, as_of, by, filters=filters)
            record(
                audit.AuditAction.FOLLOWUP,
                {"customer_id": customer, "status": status, "warned_on": str(as_of)},
            )
            st.session_state[f"{KEY}-saved"] = tr(
                "warnings.followup_saved", customer=label, status=status_label(status)
            )
            st.rerun()
    followups.draw_history(customer, filters, f"{KEY}-history")


def draw_ranking(ranking: risk.RiskRanking) -> None:
    st.subheader(tr("warnings.ranking_header"))
    if not ranking.trained:
        empty_state("warnings.model_no_data")
        return
    name = tr(f"warnings.candidate_{ranking.chosen}")
    auc = "—" if ranking.auc is None else format.number(ranking.auc, 3)
    st.success(tr(f"warnings.{ranking.chosen_reason}", name=name, auc=auc), icon=":material/check_circle:")
    st.caption(
        tr(
            "warnings.ranking_caption",
            dates=len(ranking.test_dates),
            days=ranking.horizon_days,
            rows=format.number(ranking.test_rows),
            share=format.percent(ranking.test_positive_share or 0),
        )
    )
    table = ranking.backtest()
    shown = pd.DataFrame(
        {tr("warnings.col_candidate"): [tr(f"warnings.candidate_{c}") for c in table["candidate"]]}
    )
    shown[tr("warnings.col_used")] = table["chosen"].map(lambda used: "✓" if used else "")
    for d in ranking.test_dates:
        column = f"auc_{d.isoformat()}"
        values = table[column] if column in table else pd.Series([None] * len(table))
        shown[tr("warnings.col_auc_on", date=d.isoformat())] = values.map(lambda v: format.number(v, 3))
    shown[tr("warnings.col_mean_auc")] = table["mean_auc"].map(lambda v: format.number(v, 3))
    shown[tr("warnings.col_top_precision")] = table["top_precision"].map(format.percent)
    shown[tr("warnings.col_why_not")] = table["reason"].map(lambda r: tr(f"warnings.{r}") if r else "")
    show_frame(shown, key=f"{KEY}-candidates")
    for message in ranking.messages:
        if message.startswith("risk_note_"):
            st.caption(tr(f"warnings.{message}"))


def draw_effect(effect: pd.DataFrame, horizon: int) -> None:
    st.subheader(tr("warnings.effect_header"))
    st.caption(tr("warnings.effect_caption", days=horizon))
    if effect.empty:
        empty_state()
        return
    names = effect["manager_name"].fillna(effect["manager_id"]).fillna(tr("warnings.all_managers"))
    shown = pd.DataFrame(
        {
            tr("common.manager"): names,
            tr("warnings.col_opened"): effect["opened"],
            tr("warnings.col_followed_up"): effect["followed_up"],
            tr("warnings.col_followed_up_back"): effect["followed_up_back"],
            tr("warnings.col_back_followed"): effect["back_share_followed_up"].map(format.percent),
            tr("warnings.col_not_followed_up"): effect["not_followed_up"],
            tr("warnings.col_not_followed_up_back"): effect["not_followed_up_back"],
            tr("warnings.col_back_not"): effect["back_share_not_followed_up"].map(format.percent),
            tr("warnings.col_pending"): effect["pending"],
        }
    )
    show_table(shown, "followup-effect", f"{KEY}-effect")


def open_by_manager_chart(top: pd.DataFrame) -> go.Figure:
    """Open warnings of the first managers, one bar trace per team (as plotly express draws it,
    without its cost on every run), each bar carrying its manager's id."""
    manager, opened, team = tr("common.manager"), tr("warnings.axis_open"), tr("common.team")
    fig = go.Figure()
    for name, rows in top.groupby("team", sort=False, dropna=False):
        shown = format.MISSING if format.is_missing(name) else str(name)
        fig.add_bar(
            x=rows["manager"],
            y=rows["open_warnings"],
            name=shown,
            legendgroup=shown,
            customdata=[[manager_id] for manager_id in rows["manager_id"]],  # a click opens the manager
            hovertemplate=f"{manager}=%{{x}}<br>{opened}=%{{y}}<extra>{team}={shown}</extra>",
        )
    fig.update_layout(barmode="relative")
    return charts.layout(fig, 340, x_title=manager, y_title=opened, legend_title=team)


def draw_counts(counts: pd.DataFrame, filters: Filters) -> None:
    st.subheader(tr("warnings.by_manager_header"))
    if counts.empty:
        empty_state()
        return
    by_manager, by_team = st.tabs([tr("warnings.tab_managers"), tr("warnings.tab_teams")])
    with by_manager:
        top = warnings.top_open_managers(counts)
        if not top.empty:
            fig = open_by_manager_chart(top)
            drill.manager_chart(fig, f"{KEY}-by-manager-chart")
            drill.click_hint("drill.click_manager")
        drill.row_table(
            pd.DataFrame(
                {
                    **common_columns(counts, "manager_id", "manager_name", "team"),
                    tr("warnings.col_customers"): counts["customers"],
                    tr("warnings.col_warned"): counts["warned"],
                    tr("warnings.col_open"): counts["open_warnings"],
                }
            ),
            "open-warnings-by-manager",
            f"{KEY}-by-manager",
            filters,
            kind="manager",
        )
    with by_team:
        teams = warnings.open_warnings_by_team(counts)
        show_table(
            pd.DataFrame(
                {
                    tr("common.team"): teams["team"],
                    tr("warnings.col_managers"): teams["managers"],
                    tr("warnings.col_warned"): teams["warned"],
                    tr("warnings.col_open"): teams["open_warnings"],
                }
            ),
            "open-warnings-by-team",
            f"{KEY}-by-team",
            filters,
        )


def draw_list_and_followup(view: warnings.WarningView, as_of: date, filters: Filters, show_all: bool) -> None:
    if view.rows.empty:
        empty_state("warnings.no_warnings")
        return
    selected, offered = draw_list(view.rows, filters, show_all)
    draw_followup(view.rows, selected, as_of, filters, offered)


def draw_model(ranking: risk.RiskRanking) -> None:
    draw_list_backtest(ranking)
    draw_ranking(ranking)


filters = current_filters()
page_header("warnings.title", "warnings.caption")
as_of = cached(warnings.as_of_date, filters)
if as_of is None:
    empty_state("common.empty_database")
else:
    st.caption(tr("warnings.as_of", date=as_of))
    saved = st.session_state.pop(f"{KEY}-saved", None)
    if saved:
        st.toast(saved, icon=":material/check:")
    ranking = load_ranking(as_of)
    facts = cached(warnings.warning_facts, filters, as_of)
    rules, show_all, include_closed = pick_options()
    view = warnings.warning_view(facts, ranking.scores, rules, include_closed, show_all, settings())
    if not view.rows.empty:
        draw_tiles(view)
    # The list and its follow-up first; how the list is judged, what follow-ups achieved and the
    # counts per manager each in a tab drawn only when opened (a new tab of the browser then draws
    # the list without loading the charts' code).
    sections = {
        "list": lambda: draw_list_and_followup(view, as_of, filters, show_all),
        "model": lambda: draw_model(ranking),
        "effect": lambda: draw_effect(cached(warnings.followup_effect, filters, as_of), ranking.horizon_days),
        "counts": lambda: draw_counts(warnings.count_by_manager(facts), filters),
    }
    lazy_tabs(sections, lambda name: tr(f"warnings.tab_{name}"), f"{KEY}-section")
