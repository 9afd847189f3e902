{#- The value of a customer over a date range (domain guide §4), written once.

    value(metric, alias="o")
        The value of one row of order_days / order_months / orders aliased `alias`:
        metric "amount" (o.amount), "quantity" (o.quantity) or "profit" (o.amount - o.cost:
        NULL without a cost, so only rows with a cost count). The caller checks the metric
        (analytics.pareto.METRICS); any other word gives the amount.
    source(months) / day(months)
        The pre-aggregated table and its date column: order_months / month when the range is
        whole calendar months (`months` true), else order_days / order_date.
    by_customer(metric="amount", months=false, start="$start", end="$end", as_name="customer_id")
        SELECT of (customer id AS `as_name`, value) for every customer with order rows between
        the parameters named `start` and `end` (inclusive dates, bound directly so DuckDB skips
        other months' row groups), grouped by customer before any scope join. `start`/`end`
        are parameter names ("$previous_start"), never values. -#}

{% macro value(metric="amount", alias="o") -%}
{% if metric == "quantity" %}{{ alias }}.quantity{% elif metric == "profit" %}{{ alias }}.amount - {{ alias }}.cost{% else %}{{ alias }}.amount{% endif %}
{%- endmacro %}

{% macro source(months=false) -%}
{% if months %}order_months{% else %}order_days{% endif %}
{%- endmacro %}

{% macro day(months=false) -%}
{% if months %}month{% else %}order_date{% endif %}
{%- endmacro %}

{% macro by_customer(metric="amount", months=false, start="$start", end="$end", as_name="customer_id") -%}
SELECT o.customer_id AS {{ as_name }}, sum({{ value(metric, "o") }}) AS value
          FROM {{ source(months) }} o WHERE o.{{ day(months) }} BETWEEN {{ start }} AND {{ end }} GROUP BY o.customer_id
{%- endmacro %}
