{#- The risk backtest's sample of customers, as the customer_no of those kept: a stable hash below
    $sample_threshold (of 1000003) of the customer's manager ($sample_by_manager: whole managers'
    books, so the action list's top per manager is the real one) or of the customer itself (a
    book with too few managers to sample). Used by risk/features, risk/bgnbd_summary and
    warnings/fired. -#}
{% macro customer_nos() -%}
SELECT sk.customer_no
FROM customers sc JOIN customer_keys sk ON sk.customer_id = sc.customer_id
WHERE hash(CASE WHEN $sample_by_manager THEN coalesce(sc.manager_id, sc.customer_id) ELSE sc.customer_id END)
      % 1000003 < $sample_threshold
{%- endmacro %}
