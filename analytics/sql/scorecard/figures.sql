{#- The scorecard's raw figures for each manager in scope and each period, in one set-based query
    (analytics.scorecard.figures builds the values; see its docstring for the bit masks).

    Context (structure only):
      parts      number of partly covered sales months, each read from order_days ($part<i>_*)
      sum_roles  for a few whole-month sales ranges: the role ('now' / 'ly') of range i, summed per
                 customer in the pass that builds the month masks ($sum<i>_from/_to/_period)
      month_sums true for many ranges: each order month meets the ($sm_*) months it belongs to
      mask_filter  true when the scan reads months past the mask's last month ($mask_to)
    Managers are selected by team and manager; region and class select the customers.
      dialect    "duckdb" (default) or "spark": Spark has no 128-bit integer, so there each
                 customer's order months are a list of month numbers instead of the bits of one
                 HUGEINT (customer_months, customer_periods); nothing else differs. -#}
{% set spark = (dialect | default('duckdb')) == 'spark' %}
{% import "shared/scope.sql" as scope %}
{% import "visits/standards.sql" as visits %}
{% set manager_part = namespace(managers=filters.managers, teams=filters.teams, regions=(), classes=(), allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
{% set customer_part = namespace(managers=(), teams=(), regions=filters.regions, classes=filters.classes, allowed_teams=filters.allowed_teams, allowed_managers=filters.allowed_managers) %}
{% set sum_roles = sum_roles | default(()) %}
{% macro role_case(role) -%}
{% set ns = namespace(whens=[]) %}
{% for r in sum_roles %}{% if r == role %}{% set ns.whens = ns.whens + ["WHEN CAST($sum" ~ loop.index0 ~ "_period AS INTEGER) THEN w.s" ~ loop.index0] %}{% endif %}{% endfor %}
{% if ns.whens %}CASE pm.period_no {{ ns.whens | join(" ") }} END{% else %}CAST(NULL AS DOUBLE){% endif %}
{%- endmacro %}
WITH periods AS (
    SELECT unnest(CAST($p_no AS INTEGER[])) AS period_no, unnest(CAST($p_start AS DATE[])) AS p_start,
           unnest(CAST($p_end AS DATE[])) AS p_end, unnest(CAST($p_days AS INTEGER[])) AS p_days,
           unnest(CAST($ly_start AS DATE[])) AS ly_start, unnest(CAST($ly_end AS DATE[])) AS ly_end,
           unnest(CAST($base_from AS DATE[])) AS base_from, unnest(CAST($base_to AS DATE[])) AS base_to,
           unnest(CAST($cov_start AS DATE[])) AS cov_start, unnest(CAST($cov_end AS DATE[])) AS cov_end
),
target_months AS (
    SELECT unnest(CAST($t_period AS INTEGER[])) AS period_no, unnest(CAST($t_month AS VARCHAR[])) AS month,
           unnest(CAST($t_weight AS DOUBLE[])) AS weight
),
standards AS (
{{ visits.standards() }}
),
period_masks AS (
    SELECT unnest(CAST($m_period AS INTEGER[])) AS period_no,
           unnest(CAST($m_base_offset AS INTEGER[])) AS base_offset,
           unnest(CAST($m_base_months AS INTEGER[])) AS base_months,
           unnest(CAST($m_now_offset AS INTEGER[])) AS now_offset,
           unnest(CAST($m_now_months AS INTEGER[])) AS now_months
),
mgr AS (
    SELECT m.manager_id, coalesce(m.manager_name, m.manager_id) AS manager_name, m.team
    FROM managers m WHERE {{ scope.managers(manager_part, "m") }}
),
book AS (
    SELECT c.customer_id, k.customer_no, c.manager_id, coalesce(c.status, 'active') <> 'closed' AS is_open,
           coalesce(known.customer_class, $fallback_class) AS service_class
    FROM customers c
    JOIN mgr ON mgr.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    LEFT JOIN customer_keys k ON k.customer_id = c.customer_id
    WHERE {{ scope.customers(customer_part, "c") }}
),
open_book AS (
    SELECT manager_id, count(*) AS open_customers FROM book WHERE is_open GROUP BY manager_id
),
-- The compliance window of each class: the period, or the interval ending at the period's end.
class_windows AS (
    SELECT p.period_no, s.customer_class,
           CASE WHEN p.p_days >= s.interval_days THEN p.p_start
                ELSE p.p_end - (s.interval_days - 1) END AS w_start,
           CASE WHEN p.p_days >= s.interval_days THEN floor(p.p_days / s.interval_days)
                ELSE 1 END AS expected,
           p.p_end AS w_end
    FROM periods p CROSS JOIN standards s
),
-- Per period and class, the days a visit counts for: in the compliance window and/or in the
-- coverage window. One row per (period, class, day), so a visit meets each period once.
visit_days AS (
    SELECT period_no, customer_class, day, bool_or(in_window) AS in_window, bool_or(in_cover) AS in_cover
    FROM (
        SELECT w.period_no, w.customer_class, CAST(g.d AS DATE) AS day, TRUE AS in_window, FALSE AS in_cover
        FROM class_windows w, generate_series(w.w_start, w.w_end, INTERVAL 1 DAY) AS g(d)
        UNION ALL
        SELECT p.period_no, s.customer_class, CAST(g.d AS DATE), FALSE, TRUE
        FROM periods p CROSS JOIN standards s, generate_series(p.cov_start, p.cov_end - 1, INTERVAL 1 DAY) AS g(d)
    )
    GROUP BY period_no, customer_class, day
),
period_days AS (
    SELECT p.period_no, CAST(g.d AS DATE) AS day
    FROM periods p, generate_series(p.p_start, p.p_end, INTERVAL 1 DAY) AS g(d)
),
-- Each visited customer's standard and whether it is an open customer of the book (joined by
-- customer_no: no text compared). Compliance and workload each read the visits through it:
-- at 3.4 million visits that is faster than materialising them once for both.
visit_customers AS (
    SELECT k.customer_no, s.customer_class AS service_class, s.min_minutes, s.max_minutes, s.lead_days,
           mgr.manager_id IS NOT NULL AND coalesce(c.status, 'active') <> 'closed' AS in_open_book
    FROM customers c
    JOIN customer_keys k ON k.customer_id = c.customer_id
    LEFT JOIN mgr ON mgr.manager_id = c.manager_id
    LEFT JOIN standards known ON known.customer_class = c.customer_class
    JOIN standards s ON s.customer_class = coalesce(known.customer_class, $fallback_class)
    WHERE {{ scope.customers(customer_part, "c") }}
),
vis AS NOT MATERIALIZED (
    SELECT v.customer_no, v.manager_id, day, v.method = 'onsite' AS onsite, v.duration_min IS NOT NULL AS timed,
           booked_on IS NOT NULL AS booked, vc.customer_no IS NOT NULL AS known_customer, vc.service_class,
           coalesce(vc.in_open_book, FALSE) AS in_open_book,
           v.duration_min BETWEEN coalesce(vc.min_minutes, $fallback_min) AND coalesce(vc.max_minutes, $fallback_max)
               AS in_length,
           coalesce(vc.lead_days, $fallback_lead) >= 0 AS booking_required,
           coalesce(vc.lead_days, $fallback_lead) >= 0
               AND day - booked_on >= coalesce(vc.lead_days, $fallback_lead) AS booked_in_time
    FROM (SELECT customer_no, manager_id, CAST(visit_date AS DATE) AS day, method, duration_min,
                 CAST(appointment_date AS DATE) AS booked_on
          FROM visits WHERE visit_date >= $visits_from AND visit_date < $visits_to) v
    LEFT JOIN visit_customers vc ON vc.customer_no = v.customer_no
),
open_visits AS (
    SELECT customer_no, day, service_class FROM vis WHERE in_open_book
),
seen AS (
    SELECT vd.period_no, v.customer_no, count(*) FILTER (WHERE vd.in_window) AS actual,
           bool_or(vd.in_cover) AS covered
    FROM open_visits v
    JOIN visit_days vd ON vd.customer_class = v.service_class AND vd.day = v.day
    GROUP BY vd.period_no, v.customer_no
),
-- Customers without a visit are neither compliant (at least one visit is always expected) nor
-- covered, so only visited customers need counting; the denominator is the open book.
served AS (
    SELECT s.period_no, b.manager_id,
           count(*) FILTER (WHERE s.actual >= w.expected) AS compliant_customers,
           count(*) FILTER (WHERE s.covered) AS covered_customers
    FROM seen s
    JOIN book b ON b.customer_no = s.customer_no
    JOIN class_windows w ON w.period_no = s.period_no AND w.customer_class = b.service_class
    GROUP BY s.period_no, b.manager_id
),
-- Visits to customers missing from the customers table are held to the fallback class when no
-- customer filter is set (and left out otherwise, as the filter cannot hold for them).
-- Counted per manager and day first (a field date is a day with an on-site visit), then per
-- period; for every visiting manager, the final join keeps the managers in scope.
manager_days AS (
    SELECT v.manager_id, v.day, count(*) AS visits,
           count(*) FILTER (WHERE v.onsite) AS onsite_visits,
           count(*) FILTER (WHERE v.timed) AS timed_visits,
           count(*) FILTER (WHERE v.in_length) AS visits_in_length,
           count(*) FILTER (WHERE v.booking_required) AS booking_required,
           count(*) FILTER (WHERE v.booked_in_time) AS booked_in_time,
           count(*) FILTER (WHERE v.booked) AS with_appointment
    FROM vis v
    WHERE v.known_customer OR {{ "FALSE" if filters.regions or filters.classes else "TRUE" }}
    GROUP BY v.manager_id, v.day
),
work AS (
    SELECT pd.period_no, d.manager_id, CAST(sum(d.visits) AS BIGINT) AS visits,
           count(*) FILTER (WHERE d.onsite_visits > 0) AS field_dates,
           CAST(sum(d.onsite_visits) AS BIGINT) AS onsite_visits,
           CAST(sum(d.timed_visits) AS BIGINT) AS timed_visits,
           CAST(sum(d.visits_in_length) AS BIGINT) AS visits_in_length,
           CAST(sum(d.booking_required) AS BIGINT) AS booking_required,
           CAST(sum(d.booked_in_time) AS BIGINT) AS booked_in_time,
           CAST(sum(d.with_appointment) AS BIGINT) AS with_appointment
    FROM manager_days d
    JOIN period_days pd ON pd.day = d.day
    GROUP BY pd.period_no, d.manager_id
),
-- Who bought and who belongs to the retention base from one bit mask of order months per
-- customer (bit i = i-th month from the first base month), so each customer meets each period
-- once instead of once per order month; the same pass sums each period's whole months.
-- Grouped by the integer customer_no (a perfect hash table: no text hashed or compared).
customer_months AS (
    SELECT customer_no,
{% if spark %}
           list(DISTINCT CAST(least((year(month) - year(CAST($mask_origin AS DATE))) * 12
                                    + month(month) - month(CAST($mask_origin AS DATE)), 126) AS INTEGER))
{% else %}
           bit_or(CAST(1 AS HUGEINT) << CAST(least(datediff('month', CAST($mask_origin AS DATE), month), 126) AS INTEGER))
{% endif %}
               {% if mask_filter | default(false) %}FILTER (WHERE month <= $mask_to) {% endif %}AS months
{%- for role in sum_roles %},
           sum(CASE WHEN month BETWEEN $sum{{ loop.index0 }}_from AND $sum{{ loop.index0 }}_to THEN amount END) AS s{{ loop.index0 }}
{%- endfor %}

    FROM order_months
    WHERE month BETWEEN $mask_origin AND $scan_to
    GROUP BY customer_no
),
part_rows AS (
{% for i in range(parts | default(0)) %}
    {{ "UNION ALL" if not loop.first }}
    SELECT CAST($part{{ i }}_period AS INTEGER) AS period_no, CAST($part{{ i }}_role AS VARCHAR) AS role,
           d.customer_id, d.amount
    FROM order_days d WHERE d.order_date BETWEEN $part{{ i }}_from AND $part{{ i }}_to
{% else %}
    SELECT CAST(NULL AS INTEGER) AS period_no, CAST(NULL AS VARCHAR) AS role,
           CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS DOUBLE) AS amount
    WHERE FALSE
{% endfor %}
),
sales AS (
    SELECT period_no, manager_id, sum(sales) AS sales, sum(sales_ly) AS sales_ly
    FROM (
{% if month_sums | default(false) %}
        -- Many ranges (a monthly trend): each order month meets the (period, role) pairs it belongs to.
        SELECT sm.period_no, b.manager_id,
               sum(m.amount) FILTER (WHERE sm.role = 'now') AS sales,
               sum(m.amount) FILTER (WHERE sm.role = 'ly') AS sales_ly
        FROM order_months m
        JOIN (SELECT unnest(CAST($sm_period AS INTEGER[])) AS period_no,
                     unnest(CAST($sm_role AS VARCHAR[])) AS role,
                     unnest(CAST($sm_month AS DATE[])) AS month) sm ON sm.month = m.month
        JOIN book b ON b.customer_no = m.customer_no
        WHERE m.month BETWEEN $mask_origin AND $scan_to
        GROUP BY sm.period_no, b.manager_id
{% else %}
        -- Few ranges (a scorecard): their sums come with the customer's month mask.
        SELECT pm.period_no, w.manager_id, {{ role_case("now") }} AS sales, {{ role_case("ly") }} AS sales_ly
        FROM (SELECT b.manager_id{% for role in sum_roles %}, sum(c.s{{ loop.index0 }}) AS s{{ loop.index0 }}{% endfor %}

              FROM book b JOIN customer_months c ON c.customer_no = b.customer_no
              GROUP BY b.manager_id) w
        CROSS JOIN period_masks pm
{% endif %}
        UNION ALL
        SELECT r.period_no, b.manager_id,
               sum(r.amount) FILTER (WHERE r.role = 'now'), sum(r.amount) FILTER (WHERE r.role = 'ly')
        FROM part_rows r JOIN book b ON b.customer_id = r.customer_id
        GROUP BY r.period_no, b.manager_id
    )
    GROUP BY period_no, manager_id
),
bought_in_part AS (
    SELECT DISTINCT period_no, customer_id FROM part_rows WHERE role = 'now'
),
customer_periods AS (
    SELECT pm.period_no, b.manager_id,
{% if spark %}
           array_length(list_filter(o.months, lambda m: m >= pm.base_offset AND m < pm.base_offset + pm.base_months)) > 0
               AS in_base,
           array_length(list_filter(o.months, lambda m: m >= pm.now_offset AND m < pm.now_offset + pm.now_months)) > 0
{% else %}
           (o.months >> pm.base_offset) & ((CAST(1 AS HUGEINT) << pm.base_months) - 1) <> 0 AS in_base,
           (o.months >> pm.now_offset) & ((CAST(1 AS HUGEINT) << pm.now_months) - 1) <> 0
{% endif %}
               OR bp.customer_id IS NOT NULL AS active
    FROM book b
    CROSS JOIN period_masks pm
    LEFT JOIN customer_months o ON o.customer_no = b.customer_no
    LEFT JOIN bought_in_part bp ON bp.period_no = pm.period_no AND bp.customer_id = b.customer_id
),
standing AS (
    SELECT period_no, manager_id,
           count(*) FILTER (WHERE active) AS active_customers,
           count(*) FILTER (WHERE in_base) AS base_customers,
           count(*) FILTER (WHERE in_base AND active) AS retained_customers
    FROM customer_periods
    GROUP BY period_no, manager_id
),
planned AS (
    SELECT tm.period_no, t.manager_id, sum(t.sales_target * tm.weight) AS target
    FROM targets t
    JOIN target_months tm ON tm.month = t.month
    JOIN mgr ON mgr.manager_id = t.manager_id
    GROUP BY tm.period_no, t.manager_id
)
SELECT p.period_no, p.p_start AS period_start, mgr.manager_id, mgr.manager_name, mgr.team,
       coalesce(ob.open_customers, 0) AS customers,
       coalesce(w.visits, 0) AS visits,
       1.0 * coalesce(sv.covered_customers, 0) / ob.open_customers AS coverage,
       1.0 * coalesce(sv.compliant_customers, 0) / ob.open_customers AS frequency_compliance,
       1.0 * w.visits_in_length / nullif(w.timed_visits, 0) AS duration_compliance,
       CASE WHEN sum(coalesce(w.with_appointment, 0)) OVER (PARTITION BY p.period_no) > 0
            THEN 1.0 * w.booked_in_time / nullif(w.booking_required, 0) END AS appointment_compliance,
       coalesce(w.field_dates, 0) / (p.p_days / 7.0) AS field_days_per_week,
       coalesce(1.0 * w.onsite_visits / nullif(w.field_dates, 0), 0) AS visits_per_field_day,
       coalesce(y.sales, 0) AS sales,
       y.sales_ly AS sales_last_year,
       coalesce(y.sales, 0) / nullif(y.sales_ly, 0) - 1 AS growth_yoy,
       pl.target,
       coalesce(y.sales, 0) / nullif(pl.target, 0) AS target_attainment,
       1.0 * st.retained_customers / nullif(st.base_customers, 0) AS retention,
       coalesce(st.active_customers, 0) AS active_customers
FROM mgr CROSS JOIN periods p
LEFT JOIN open_book ob ON ob.manager_id = mgr.manager_id
LEFT JOIN served sv ON sv.period_no = p.period_no AND sv.manager_id = mgr.manager_id
LEFT JOIN work w ON w.period_no = p.period_no AND w.manager_id = mgr.manager_id
LEFT JOIN sales y ON y.period_no = p.period_no AND y.manager_id = mgr.manager_id
LEFT JOIN standing st ON st.period_no = p.period_no AND st.manager_id = mgr.manager_id
LEFT JOIN planned pl ON pl.period_no = p.period_no AND pl.manager_id = mgr.manager_id
WHERE mgr.manager_id IN (SELECT manager_id FROM book)
   OR mgr.manager_id IN (SELECT manager_id FROM work)
ORDER BY p.period_no, mgr.manager_id
