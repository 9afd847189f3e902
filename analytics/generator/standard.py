"""Demo data for the rest of the service standard, laid over an existing demo district: new
products launched in the last months and taken up by a growing share of customers (their order
lines join the customers' existing orders), monthly stock checks for part of the customers, a
few complaints a month (some handled late, a few still open) and receivables for a wholesale
slice (mostly paid on time, some late, a few never).

Deterministic: the same seed on the same district gives the same rows."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics import db, sql
from analytics.aggregates import refresh_order_aggregates
from analytics.generator.dates import _day
from analytics.generator.store import _insert
from analytics.generator.vocabulary import EPOCH
from analytics.optional_tables import create_tables

# name, price per carton (yuan), launch (days before the last day of data), share of shops that try it
NEW_PRODUCTS = (
    ("黄金叶(天叶)", 500.0, 150, 0.55),
    ("钻石(荷花)", 210.0, 90, 0.7),
    ("泰山(华贵)", 280.0, 35, 0.6),
)
CHECK_SHARE = 0.3  # customers whose manager records stock checks
CHECK_MONTHS = 6
CATEGORIES = ("货源供应", "配送服务", "价格", "服务态度", "其他")
WHOLESALE_FORMATS = ("mall", "supermarket")
PAYERS = np.array([0.7, 0.2, 0.1])  # on time, late, very late or never


def generate_standard_extras(con: duckdb.DuckDBPyConnection, seed: int = 7) -> dict[str, int]:
    """Add the extras to the demo district in one transaction; rows written per table."""
    end = db.last_data_date(con)
    if end is None:
        return {}
    rng = np.random.default_rng([seed, 21])
    with db.transaction(con) as cur:
        create_tables(cur)
        lines = _new_product_lines(cur, rng, end)
        if len(lines):
            _insert(cur, "orders", lines)
            cur.register("demo_batch", lines)
            sql.execute(cur, "standard_demo/new_keys")
            cur.unregister("demo_batch")
            refresh_order_aggregates(cur)
            cur.execute("DROP TABLE undo_keys")
        book = sql.execute(
            cur, "standard_demo/customers", {"as_of": end, "since": end - timedelta(days=364)}
        ).df()
        written = {"new_product_lines": len(lines)}
        for table, frame in (
            ("stock_checks", _stock_checks(cur, rng, book, end)),
            ("complaints", _complaints(rng, book, end)),
            ("receivables", _receivables(rng, book, end)),
        ):
            cur.register("demo_batch", frame)
            for statement in sql.statements("standard_demo/write", table=table):
                cur.execute(statement)
            cur.unregister("demo_batch")
            written[table] = len(frame)
    return written


def _new_product_lines(cur: duckdb.DuckDBPyConnection, rng: np.random.Generator, end: object) -> pd.DataFrame:
    """Order lines of the new products: a shop tries a product on its first order after its own
    adoption day (launch + an exponential delay, higher tiers more likely to try), and two in
    three who tried it order it again on about half of their later orders."""
    end_day = _day(end)
    since = end - timedelta(days=max(p[2] for p in NEW_PRODUCTS))
    heads = sql.execute(cur, "standard_demo/order_heads", {"since": since}).df()
    if heads.empty:
        return pd.DataFrame()
    codes, customers = pd.factorize(heads["customer_id"])
    days = (pd.to_datetime(heads["order_date"]) - pd.Timestamp(EPOCH)).dt.days.to_numpy()
    tier = heads.groupby(codes)["tier"].first().fillna(10).to_numpy()
    frames = []
    for name, price, before, share in NEW_PRODUCTS:
        launch = end_day - before
        tries = rng.random(len(customers)) < share * (0.6 + 0.8 * tier / 30)
        adopt = launch + rng.exponential(before / 2.5, len(customers)).astype(int)
        again = rng.random(len(customers)) < 2 / 3
        eligible = tries[codes] & (days >= adopt[codes])
        first = eligible & (pd.Series(eligible).groupby(codes).cumsum().to_numpy() == 1)
        repeat = eligible & ~first & again[codes] & (rng.random(len(days)) < 0.5)
        take = first | repeat
        quantity = np.maximum(1.0, np.round(heads["amount"].to_numpy()[take] * 0.03 / price))
        frames.append(
            pd.DataFrame(
                {
                    "order_no": heads["order_no"].to_numpy()[take].astype(np.int32),
                    "customer_code": heads["customer_id"].to_numpy()[take],
                    "order_date": days[take].astype(np.int32),
                    "product": name,
                    "quantity": quantity,
                    "amount": quantity * price,
                    "cost": np.round(quantity * price * 0.9, 2),
                }
            )
        )
    lines = pd.concat(frames, ignore_index=True)
    return lines[lines["order_date"] <= end_day].reset_index(drop=True)


def _stock_checks(
    cur: duckdb.DuckDBPyConnection, rng: np.random.Generator, book: pd.DataFrame, end: object
) -> pd.DataFrame:
    """Monthly checks of each sampled shop's three main products; the stock follows what the shop
    ordered, selling 75-115% of its monthly order between two checks."""
    active = book[(book["status"] != "closed") & book["last_order"].notna()]
    sample = active[rng.random(len(active)) < CHECK_SHARE][["customer_id"]].reset_index(drop=True)
    if sample.empty:
        return pd.DataFrame({"customer_id": [], "check_date": [], "product": [], "stock_qty": []})
    first_month = (pd.Timestamp(end).to_period("M") - (CHECK_MONTHS - 1)).to_timestamp()
    base = np.array([_day((first_month + pd.DateOffset(months=k)).date()) for k in range(CHECK_MONTHS)])
    offset = dict(zip(sample["customer_id"], rng.integers(5, 20, len(sample)), strict=True))
    cur.register("demo_batch", sample)
    lines = sql.execute(
        cur, "standard_demo/product_lines", {"since": first_month.date() - timedelta(days=31), "as_of": end}
    ).df()
    cur.unregister("demo_batch")
    top = lines.groupby(["customer_id", "product"], as_index=False)["quantity"].sum()
    top = top.sort_values(["customer_id", "quantity", "product"], ascending=[True, False, True])
    pairs = top.groupby("customer_id").head(3)[["customer_id", "product"]].reset_index(drop=True)
    pair_no = pd.Series(range(len(pairs)), index=pd.MultiIndex.from_frame(pairs))
    lines = lines.merge(pairs, on=["customer_id", "product"])
    line_day = (pd.to_datetime(lines["order_date"]) - pd.Timestamp(EPOCH)).dt.days.to_numpy()
    shift = lines["customer_id"].map(offset).to_numpy()
    period = np.searchsorted(base, line_day - shift, side="right")  # checks on or before the line
    ordered = np.zeros((len(pairs), CHECK_MONTHS + 1))
    rows = pair_no.loc[list(zip(lines["customer_id"], lines["product"], strict=True))].to_numpy()
    np.add.at(ordered, (rows, period), lines["quantity"].to_numpy())
    monthly = ordered[:, 1:CHECK_MONTHS].mean(axis=1)
    stock = np.round(monthly * rng.uniform(0.2, 0.6, len(pairs)))
    stocks = [stock]
    for k in range(1, CHECK_MONTHS):
        sold = np.minimum(stock + ordered[:, k], np.round(monthly * rng.uniform(0.75, 1.15, len(pairs))))
        stock = stock + ordered[:, k] - sold
        stocks.append(stock)
    pair_shift = pairs["customer_id"].map(offset).to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": np.tile(pairs["customer_id"].to_numpy(), CHECK_MONTHS),
            "check_date": np.concatenate([base[k] + pair_shift for k in range(CHECK_MONTHS)]),
            "product": np.tile(pairs["product"].to_numpy(), CHECK_MONTHS),
            "stock_qty": np.concatenate(stocks),
        }
    )
    frame = frame[frame["check_date"] <= _day(end)]
    frame["check_date"] = pd.to_datetime(frame["check_date"], unit="D").dt.date
    return frame.sort_values(["customer_id", "check_date", "product"]).reset_index(drop=True)


def _complaints(rng: np.random.Generator, book: pd.DataFrame, end: object) -> pd.DataFrame:
    """About one complaint a month per 100 shops (at least 4) for 12 months: most contacted the
    same or next working day and answered within a week, some late, and the newest (and a few old
    ones) still open."""
    open_shops = book.loc[book["status"] != "closed", "customer_id"].to_numpy()
    months = pd.period_range(pd.Timestamp(end).to_period("M") - 11, periods=12, freq="M")
    per_month = max(4, round(len(book) / 100))
    counts = rng.poisson(per_month, len(months))
    received_day = np.concatenate(
        [
            rng.integers(0, m.days_in_month, n) + _day(m.start_time.date())
            for m, n in zip(months, counts, strict=True)
        ]
    )
    n = len(received_day)
    received = pd.to_datetime(received_day, unit="D") + pd.to_timedelta(
        rng.integers(8 * 60, 18 * 60, n), unit="m"
    )
    received_d = received.to_numpy().astype("datetime64[D]")
    contact_days = rng.choice([0, 0, 0, 1, 1, 1, 2, 3], n)
    reply_days = np.where(rng.random(n) < 0.8, rng.integers(1, 7, n), rng.integers(8, 15, n))
    contact = _at(np.busday_offset(received_d, contact_days, roll="backward"), rng, received)
    replied = _at(
        np.busday_offset(received_d, np.maximum(reply_days, contact_days), roll="backward"), rng, received
    )
    never = rng.random(n) < 0.04
    end_ts = pd.Timestamp(end) + pd.Timedelta(days=1)
    contact = contact.where((contact < end_ts) & ~never)
    replied = replied.where((replied < end_ts) & contact.notna() & ~never)
    order = np.argsort(received.to_numpy(), kind="stable")
    return pd.DataFrame(
        {
            "complaint_id": [f"TS{received[i]:%Y%m}{k + 1:04d}" for k, i in enumerate(order)],
            "customer_id": rng.choice(open_shops, n)[order] if len(open_shops) else [],
            "received_at": received[order],
            "first_contact_at": contact.to_numpy()[order],
            "replied_at": replied.to_numpy()[order],
            "category": rng.choice(CATEGORIES, n)[order],
            "note": None,
        }
    )


def _at(days: np.ndarray, rng: np.random.Generator, after: pd.DatetimeIndex) -> pd.Series:
    """A time of day on `days` (9:00-17:00), never before `after`."""
    stamp = pd.to_datetime(days) + pd.to_timedelta(rng.integers(9 * 60, 17 * 60, len(days)), unit="m")
    return pd.Series(np.maximum(stamp.to_numpy(), (after + pd.Timedelta(minutes=30)).to_numpy()))


def _receivables(rng: np.random.Generator, book: pd.DataFrame, end: object) -> pd.DataFrame:
    """Monthly invoices for 12 months to the wholesale slice (malls and supermarkets), due in 30
    days; payers on time, late, or very late and sometimes never; one invoice in ten part-paid."""
    shops = book[book["retail_format"].isin(WHOLESALE_FORMATS) & (book["monthly_value"] > 0)]
    months = pd.period_range(pd.Timestamp(end).to_period("M") - 11, periods=12, freq="M")
    kind = rng.choice(3, len(shops), p=PAYERS)
    rows = []
    for m in months:
        invoice = m.start_time + pd.Timedelta(days=int(rng.integers(0, 5)))
        if invoice.date() > end:
            continue
        amount = np.round(shops["monthly_value"].to_numpy() * rng.lognormal(0, 0.2, len(shops)), -2)
        late = np.select(
            [kind == 0, kind == 1],
            [-rng.integers(0, 10, len(shops)), rng.integers(5, 70, len(shops))],
            rng.integers(30, 200, len(shops)),
        )
        due = invoice + pd.Timedelta(days=30)
        paid_date = due + pd.to_timedelta(late, unit="D")
        paid = np.where(
            rng.random(len(shops)) < 0.1, np.round(amount * rng.uniform(0.5, 0.9, len(shops)), -2), amount
        )
        settled = paid_date.date <= end
        rows.append(
            pd.DataFrame(
                {
                    "invoice_id": [f"YS{m:%Y%m}{i + 1:05d}" for i in range(len(shops))],
                    "customer_id": shops["customer_id"].to_numpy(),
                    "invoice_date": invoice.date(),
                    "due_date": due.date(),
                    "amount": np.maximum(amount, 100.0),
                    "paid_amount": np.where(settled, np.minimum(paid, np.maximum(amount, 100.0)), np.nan),
                    "paid_date": np.where(settled, paid_date.date, None),
                }
            )
        )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
