{#- Follow-ups of loss warnings recorded on or before $as_of: the current one per customer (the
    newest row), or with `history` every row, newest first; with `by_customer` only those of
    $customer_ids. A customer who ordered again after the follow-up's warned_on date (and on or
    before $as_of) shows as recovered by itself (recovered_by_order, reordered_on). Only the
    customers in `filters` (the account's scope with the page's filters).
    The macro `current()` is the current follow-ups of every customer (warnings/counts). -#}
{% import "shared/scope.sql" as scope %}
{% macro followups(by_customer=false, history=false, filters=none) -%}
WITH history AS (
    SELECT f.customer_id, f.status, f.note, f.made_by, f.warned_on, f.updated_at,
           row_number() OVER (PARTITION BY f.customer_id ORDER BY f.updated_at DESC, f.status) AS newest
    FROM warning_followups f
    WHERE f.warned_on <= $as_of
    {% if by_customer %}
      AND f.customer_id IN (SELECT unnest(CAST($customer_ids AS VARCHAR[])))
    {% endif %}
    {% if filters is not none and filters.scoped %}
      AND f.customer_id IN (SELECT c.customer_id FROM customers c WHERE {{ scope.customers(filters, "c") }})
    {% endif %}
),
reordered AS (
    SELECT h.customer_id, min(o.order_date) AS reordered_on
    FROM history h JOIN order_days o
      ON o.customer_id = h.customer_id AND o.order_date > h.warned_on AND o.order_date <= $as_of
    WHERE h.newest = 1
    GROUP BY h.customer_id
)
SELECT h.customer_id, c.customer_name, c.manager_id,
       CASE WHEN r.reordered_on IS NOT NULL THEN 'recovered' ELSE h.status END AS status,
       h.status AS recorded_status, r.reordered_on IS NOT NULL AS recovered_by_order,
       r.reordered_on, h.note, h.made_by, h.warned_on, h.updated_at,
       CASE WHEN r.reordered_on IS NOT NULL THEN r.reordered_on
            WHEN h.status = 'recovered' THEN CAST(h.updated_at AS DATE) END AS recovered_on,
       h.newest = 1 AS current
FROM history h
LEFT JOIN reordered r ON r.customer_id = h.customer_id AND h.newest = 1
LEFT JOIN customers c ON c.customer_id = h.customer_id
{% if not history %}
WHERE h.newest = 1
{% endif %}
ORDER BY h.customer_id, h.updated_at DESC
{%- endmacro %}

{% macro current() -%}
{{ followups() }}
{%- endmacro %}

{{ followups(by_customer | default(false), history | default(false), filters | default(none)) }}
