{#- The import's day totals whose customer-day the store did not have (between day numbers $first
    and $last) are marked new_day. -#}
{% import "store/aggregates.sql" as aggregates %}
UPDATE agg_days k SET new_day = TRUE
WHERE NOT EXISTS (
    SELECT 1 FROM order_days d
    WHERE d.order_date BETWEEN {{ aggregates.day("first") }} AND {{ aggregates.day("last") }}
      AND d.customer_no = k.customer_no AND d.order_date = k.order_date
)
