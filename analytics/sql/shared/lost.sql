{#- Lost customers (domain guide §4), written once for the scorecard and the retention area.

    Lost as of a date d = closed, or had orders before and none in the lost_after_days days up to
    d, i.e. the last order up to d falls before the cutoff d - (lost_after_days - 1).

    Parameters (bind them; Python: `analytics.scorecard.figures.lost_values(d, lost_after_days)`
    gives all of them and the template context `lost_months` / `lost_parts`):
      $lost_cutoff        DATE  d - (lost_after_days - 1), the first day of the quiet window
      $lost_cutoff_month  DATE  first day of the cutoff's month       (ordered_before only)
      $lost_months_from, $lost_months_to
                          DATE  the whole calendar months of [cutoff, d] (ordered_since only,
                                when `lost_months`)
      $lost_part<i>_from, $lost_part<i>_to
                          DATE  the partly covered months of [cutoff, d], i < `lost_parts`
                                (ordered_since only)

    Macros:
      closed(status)               a status that says closed (a missing status is open)
      is_lost(status, last_order)  for a caller that knows each customer's last order up to d
                                   (NULL = never ordered: lost only when closed); binds $lost_cutoff
      ordered_since(months, parts) customer_id of every order in [cutoff, d] (repeats kept):
                                   whole months from order_months, the rest from order_days,
                                   the dates bound directly so DuckDB skips other row groups
      ordered_before(quiet)        customer_id of the customers of relation `quiet` (with a
                                   customer_id) that ordered before the cutoff -#}

{% macro closed(status) -%}
coalesce({{ status }}, 'active') = 'closed'
{%- endmacro %}

{% macro is_lost(status, last_order) -%}
({{ closed(status) }} OR {{ last_order }} < CAST($lost_cutoff AS DATE))
{%- endmacro %}

{% macro ordered_since(months=true, parts=0) -%}
SELECT customer_id FROM order_months
WHERE {% if months %}month BETWEEN CAST($lost_months_from AS DATE) AND CAST($lost_months_to AS DATE){% else %}FALSE{% endif %}

UNION ALL
SELECT customer_id FROM order_days
WHERE {% for i in range(parts) %}{{ " OR " if not loop.first }}order_date BETWEEN CAST($lost_part{{ i }}_from AS DATE) AND CAST($lost_part{{ i }}_to AS DATE){% else %}FALSE{% endfor %}
{%- endmacro %}

{% macro ordered_before(quiet) -%}
SELECT m.customer_id FROM order_months m JOIN {{ quiet }} q ON q.customer_id = m.customer_id
WHERE m.month < CAST($lost_cutoff_month AS DATE)
UNION
SELECT d.customer_id FROM order_days d JOIN {{ quiet }} q ON q.customer_id = d.customer_id
WHERE d.order_date >= CAST($lost_cutoff_month AS DATE) AND d.order_date < CAST($lost_cutoff AS DATE)
{%- endmacro %}
