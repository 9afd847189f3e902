{#- `table` (order_days, order_months, visits or agg_days) gets its customers' numbers: on every
    row, or with `missing_only` on the rows without one. -#}
{% set table = table | default("visits") %}
UPDATE {{ table }} SET customer_no = k.customer_no
FROM customer_keys k
WHERE {% if missing_only | default(false) %}{{ table }}.customer_no IS NULL AND {% endif -%}
      k.customer_id = {{ table }}.customer_id
