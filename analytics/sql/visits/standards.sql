{#- Pieces the visit and scorecard queries share (macros only).

    standards(): the service standard of each class as a relation (customer_class,
    interval_days, min_minutes, max_minutes, lead_days); the intervals come from
    shared/intervals.sql. Bind `visits.standard_values(settings)`.

    order_amounts(months, parts, name): (customer_id, amount) rows whose sums per customer are
    the order amounts in a date range: whole months from order_months, the partly covered months
    from order_days (a fraction of the rows the order days of a long range would be). Bind
    `visits.range_values(start, end, name)` ($<name>_months_from/_to, $<name>_part<i>_from/_to).

    sales_of(book, months, parts): (customer_id, sales) of the customers of the relation `book`
    with orders in that range (the order_amounts pieces summed per customer). -#}
{% import "shared/intervals.sql" as intervals %}

{% macro standards() -%}
SELECT i.customer_class, i.interval_days, t.min_minutes, t.max_minutes, t.lead_days
FROM ({{ intervals.class_intervals() }}) i
JOIN (SELECT unnest(CAST($interval_classes AS VARCHAR[])) AS customer_class,
             unnest(CAST($min_minutes AS DOUBLE[])) AS min_minutes,
             unnest(CAST($max_minutes AS DOUBLE[])) AS max_minutes,
             unnest(CAST($lead_days AS INTEGER[])) AS lead_days) t ON t.customer_class = i.customer_class
{%- endmacro %}

{% macro order_amounts(months=true, parts=0, name="amounts") -%}
{% if months %}SELECT m.customer_id, m.amount FROM order_months m WHERE m.month BETWEEN CAST(${{ name }}_months_from AS DATE) AND CAST(${{ name }}_months_to AS DATE){% endif %}
{% for i in range(parts) %}{{ " UNION ALL " if months or not loop.first }}SELECT d.customer_id, d.amount FROM order_days d WHERE d.order_date BETWEEN CAST(${{ name }}_part{{ i }}_from AS DATE) AND CAST(${{ name }}_part{{ i }}_to AS DATE){% endfor %}
{%- endmacro %}

{% macro sales_of(book, months=true, parts=0) -%}
SELECT r.customer_id, sum(r.amount) AS sales
FROM ({{ order_amounts(months, parts) }}) r
JOIN {{ book }} b USING (customer_id)
GROUP BY r.customer_id
{%- endmacro %}
